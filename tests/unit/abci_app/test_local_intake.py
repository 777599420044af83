"""Local txs: Ethereum txs the JSON-RPC hands straight to the app's pool (no CometBFT
mempool); this node proposes them, blocks remove them, the pool's rules still hold."""

from __future__ import annotations

import pytest

from abci_app.application.txpool.pool import REFUSED
from evm_bridge.account_db import read_nonce
from evm_bridge.checks import spendable_wei
from evm_bridge.txs import decode_tx
from ledger import codes
from ledger.addresses import to_checksum_evm
from ledger.codes import TxError
from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import EVM_CHAIN_ID, evm_transfer, make_keys, started_chain

KEYS = make_keys(3, seed="local-intake")
GWEI = 10**9


def submit(chain: started_chain, raw: bytes) -> None:
    chain.app.check.check_local(decode_tx(raw, EVM_CHAIN_ID))


def propose(chain: started_chain, mempool: list[bytes] = ()) -> list[bytes]:
    req = abci.RequestPrepareProposal(txs=list(mempool), max_tx_bytes=1 << 22, height=chain.height + 1)
    return list(chain.app.prepare_proposal(req).txs)


@pytest.fixture
def chain(tmp_path):
    with started_chain(tmp_path, KEYS) as c:
        yield c


def test_a_local_tx_is_proposed_by_this_node_and_leaves_with_its_block(chain):
    alice, bob = KEYS[0], KEYS[1]
    raws = [evm_transfer(alice, bob.evm, 7, n) for n in (1, 0, 2)]
    for raw in raws:
        submit(chain, raw)
    assert [t.nonce for t in chain.app.pool.snapshot()[0]] == [0, 1, 2]
    proposal = propose(chain)
    assert proposal == [raws[1], raws[0], raws[2]]
    resp = chain.block(proposal)
    assert [r.code for r in resp.tx_results] == [codes.OK] * 3
    assert read_nonce(chain.db.read_view(), alice.evm) == 3
    assert chain.app.pool.snapshot() == ([], [])
    assert propose(chain) == []


def test_a_local_tx_sent_twice_is_already_known_and_a_used_nonce_too_low(chain):
    alice, bob = KEYS[0], KEYS[1]
    raw = evm_transfer(alice, bob.evm, 7, 0)
    submit(chain, raw)
    with pytest.raises(TxError) as e:
        submit(chain, raw)
    assert (e.value.code, e.value.log) == (codes.TX_IN_MEMPOOL, "already known")
    chain.block(propose(chain))
    with pytest.raises(TxError) as e:
        submit(chain, raw)
    assert e.value.code == codes.INVALID_SEQUENCE
    assert e.value.log == f"nonce too low: address {to_checksum_evm(alice.evm)}, tx: 0 state: 1"


def test_local_txs_outlive_recheck_rounds_that_never_see_them(chain):
    alice, bob = KEYS[0], KEYS[1]
    submit(chain, evm_transfer(alice, bob.evm, 7, 1))  # queued behind nonce 0
    other = evm_transfer(bob, alice.evm, 1, 0)
    assert chain.check(other).code == codes.OK  # a mempool tx: its rechecks mark the round
    for _ in range(3):
        chain.block([])
        assert chain.app.check_tx(abci.RequestCheckTx(tx=other, type=abci.RECHECK)).code == codes.OK
    assert [t.nonce for t in chain.app.pool.snapshot()[1]] == [1]


def test_a_local_tx_a_block_included_without_using_its_nonce_is_evicted(chain):
    alice, bob = KEYS[0], KEYS[1]
    local = evm_transfer(alice, bob.evm, 10**6, 1)
    tx = decode_tx(local, EVM_CHAIN_ID)
    submit(chain, local)  # affordable when admitted (queued behind nonce 0)
    balance = spendable_wei(chain.db.read_view(), tx)
    drain = evm_transfer(alice, bob.evm, balance - 21_000 * 10 * GWEI - 10, 0)  # nonce 0 spends it all
    resp = chain.block([drain, local])
    assert [r.code for r in resp.tx_results] == [codes.OK, codes.INSUFFICIENT_FUNDS]
    assert read_nonce(chain.db.read_view(), alice.evm) == 1
    assert chain.app.pool.snapshot() == ([], [])
    assert chain.app.pool.buried(tx.hash) == REFUSED
    assert propose(chain) == []


def test_the_pool_refuses_txs_past_its_size(tmp_path):
    with started_chain(tmp_path, KEYS) as chain:
        chain.app.pool.max_txs = 2
        submit(chain, evm_transfer(KEYS[0], KEYS[1].evm, 1, 0))
        submit(chain, evm_transfer(KEYS[0], KEYS[1].evm, 1, 1))
        with pytest.raises(TxError) as e:
            submit(chain, evm_transfer(KEYS[1], KEYS[0].evm, 1, 0))
        assert (e.value.code, e.value.log) == (codes.MEMPOOL_FULL, "txpool is full")
