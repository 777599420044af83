"""ProcessProposal through the app's ABCI methods (a test proposer): a proposal with one
sender's nonces out of order, over the block gas limit (Ethereum txs) or the limit on gas
wanted (every tx), with a tx twice, an undecodable
tx or a native tx badly signed for its committed account, is rejected; the chain then
goes on with the app's own proposal. The same on real CometBFT, with a faulty validator
in a localnet: ``tests/integration/test_faulty_proposer.py``."""

from __future__ import annotations

from ledger import accounts, codes
from ledger.codes import TxError
from pysei_pb.cosmos.tx.v1beta1.tx_pb2 import TxRaw
from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import InProcessChain, cosmos_send, evm_transfer, make_keys, started_chain

ACCEPT = abci.ResponseProcessProposal.ACCEPT
REJECT = abci.ResponseProcessProposal.REJECT


def process(chain: InProcessChain, txs: list[bytes]) -> int:
    return chain.app.process_proposal(abci.RequestProcessProposal(txs=txs, height=chain.height + 1)).status


def test_faulty_proposals_are_rejected_and_the_chain_goes_on(tmp_path):
    keys = make_keys(2)
    alice, bob = keys
    with InProcessChain(tmp_path, keys) as chain:
        chain.init_chain()
        chain.block([])
        txs = [evm_transfer(alice, bob.evm, 1, n) for n in range(3)]
        for t in reversed(txs):  # arrive newest first: queued, then pending
            assert chain.check(t).code == codes.OK
        assert process(chain, [txs[0], txs[2], txs[1]]) == REJECT
        assert process(chain, [txs[0], txs[0]]) == REJECT
        heavy = evm_transfer(bob, alice.evm, 1, 0, gas=60_000_000)
        assert process(chain, [heavy, evm_transfer(alice, bob.evm, 1, 0, gas=60_000_000)]) == REJECT
        request = abci.RequestPrepareProposal(txs=list(reversed(txs)), max_tx_bytes=1 << 20, height=chain.height + 1)
        proposal = chain.app.prepare_proposal(request).txs
        assert list(proposal) == txs
        assert process(chain, list(proposal)) == ACCEPT
        results = chain.block(list(proposal)).tx_results
        assert [r.code for r in results] == [codes.OK] * 3
        assert chain.app.pool.snapshot() == ([], [])


def tampered(raw: bytes) -> bytes:
    """The tx with one bit of its signature flipped: it still decodes."""
    tx = TxRaw.FromString(raw)
    sig = bytearray(tx.signatures[0])
    sig[-1] ^= 1
    tx.signatures[0] = bytes(sig)
    return tx.SerializeToString()


def test_undecodable_repeated_and_badly_signed_native_txs_are_rejected(tmp_path):
    keys = make_keys(3)
    alice, bob, carol = keys
    with InProcessChain(tmp_path, keys) as chain:
        chain.init_chain()
        chain.block([])
        number = accounts.get_account(chain.app.db.read_view(), alice.sei).number
        good = cosmos_send(alice, bob.sei, 5, number, 0)
        assert process(chain, [good]) == ACCEPT  # verified here: CheckTx never saw it
        assert process(chain, [good, good]) == REJECT
        assert process(chain, [good, b"\xff\x00garbage"]) == REJECT
        assert process(chain, [tampered(good)]) == REJECT
        assert process(chain, [cosmos_send(alice, bob.sei, 5, number + 1, 0)]) == REJECT  # wrong account number
        # a signer with no account yet may get one earlier in the block: FinalizeBlock judges
        stranger = make_keys(1, seed="no account")[0]
        assert accounts.get_account(chain.app.db.read_view(), stranger.sei) is None
        assert process(chain, [tampered(cosmos_send(stranger, carol.sei, 1, 0, 0))]) == ACCEPT
        assert chain.check(good).code == codes.OK
        assert process(chain, [good]) == ACCEPT  # verified by CheckTx against this number
        results = chain.block([good, tampered(cosmos_send(alice, bob.sei, 5, number, 1))]).tx_results
        assert [r.code for r in results] == [codes.OK, codes.UNAUTHORIZED]


def test_native_limits_may_pass_the_gas_limit_up_to_the_limit_on_gas_wanted(tmp_path):
    alice, bob = keys = make_keys(2)
    with started_chain(tmp_path, keys) as chain:  # genesis: gas limit 100M, gas wanted 200M
        number = accounts.get_account(chain.app.db.read_view(), alice.sei).number
        sends = [cosmos_send(alice, bob.sei, 1, number, s, gas=60_000_000) for s in range(4)]
        assert process(chain, sends[:3]) == ACCEPT  # 180M of limits
        assert process(chain, sends) == REJECT  # 240M
        ethereum = [evm_transfer(alice, bob.evm, 1, n, gas=40_000_000) for n in range(3)]
        assert process(chain, sends[:2] + ethereum[:2]) == ACCEPT  # 200M, 80M of them Ethereum's
        assert process(chain, sends[:1] + ethereum) == REJECT  # 180M, 120M of them Ethereum's


def test_the_proposal_this_node_built_is_accepted_without_judging_it_again(tmp_path):
    alice, bob = keys = make_keys(2)
    with started_chain(tmp_path, keys) as chain:
        txs = [evm_transfer(alice, bob.evm, 1, n) for n in range(2)]
        request = abci.RequestPrepareProposal(txs=txs, max_tx_bytes=1 << 20, height=chain.height + 1)
        built = list(chain.app.prepare_proposal(request).txs)
        assert built == txs
        chain.app.codec.decode = _undecodable  # judging any proposal now rejects it
        assert process(chain, built) == ACCEPT  # the one just built: not judged again
        assert process(chain, built[:1]) == REJECT
        assert chain.app.process_proposal(abci.RequestProcessProposal(txs=built, height=chain.height + 2)).status == REJECT


def _undecodable(raw: bytes):
    raise TxError(codes.TX_DECODE, "test: nothing decodes")
