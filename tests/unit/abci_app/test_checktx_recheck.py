"""CheckTx admits a sender's consecutive native txs in order (Ethereum txs also past a
gap, queued by the tx pool), and recheck after a block drops the ones the block made
invalid."""

from __future__ import annotations

from ledger import codes
from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import InProcessChain, cosmos_send, evm_transfer, make_keys


def test_recheck_drops_txs_a_block_invalidated(tmp_path):
    keys = make_keys(3)
    alice, bob = keys[0], keys[1]
    with InProcessChain(tmp_path, keys) as chain:
        chain.init_chain()
        chain.block([])
        first = cosmos_send(alice, bob.sei, 5, 0, 0)
        second = cosmos_send(alice, bob.sei, 6, 0, 1)
        rival = cosmos_send(alice, bob.sei, 7, 0, 0, fee=2_001)  # same sequence, other bytes
        assert chain.check(first).code == codes.OK
        assert chain.check(second).code == codes.OK  # admitted after `first` in the pending state
        assert chain.check(rival).code == codes.INVALID_SEQUENCE
        evm_a = evm_transfer(alice, bob.evm, 1, 0)
        evm_b = evm_transfer(alice, bob.evm, 1, 1)
        assert chain.check(evm_b).code == codes.OK  # behind a gap: queued
        assert chain.app.pool.snapshot() == ([], [chain.app.codec.decode(evm_b).tx])
        assert chain.check(evm_a).code == codes.OK  # fills the gap
        assert [t.nonce for t in chain.app.pool.snapshot()[0]] == [0, 1]
        # A block built elsewhere takes sequence 0 with the rival tx.
        resp = chain.block([rival])
        assert resp.tx_results[0].code == codes.OK

        def recheck(tx: bytes) -> int:
            return chain.app.check_tx(abci.RequestCheckTx(tx=tx, type=abci.RECHECK)).code

        assert recheck(first) == codes.INVALID_SEQUENCE
        assert recheck(second) == codes.OK  # sequence 1 is next now
        assert recheck(evm_a) == codes.OK  # EVM nonces are untouched by the native tx
