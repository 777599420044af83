"""The tx pool's slots: pending/queued split, window, queue cap, replacement, TTL."""

from __future__ import annotations

import pytest

from abci_app.application.txpool.pool import EXPIRED, REPLACED, TxPool
from abci_app.config import AppConfig
from evm_bridge.api import EvmTx
from evm_bridge.txs import decode_tx
from ledger import codes
from ledger.codes import TxError
from tests.support.chain import EVM_CHAIN_ID, evm_transfer, make_keys

KEYS = make_keys(3, seed="txpool")
TO = b"\x42" * 20


def tx(nonce: int, key: int = 0, max_fee: int = 10**10, tip: int = 10**9, value: int = 1) -> EvmTx:
    return decode_tx(evm_transfer(KEYS[key], TO, value, nonce, max_fee=max_fee, tip=tip), EVM_CHAIN_ID)


def admit(pool: TxPool, t: EvmTx, state_nonce: int = 0, height: int = 1) -> None:
    if not pool.check_slot(t, state_nonce):
        pool.insert(t, state_nonce, height)


def nonces(txs: list[EvmTx]) -> list[int]:
    return [t.nonce for t in txs]


def test_defaults_come_from_app_toml_knobs():
    cfg = AppConfig()
    assert (cfg.txpool_account_queue, cfg.txpool_global_queue, cfg.txpool_queue_ttl_blocks) == (64, 1024, 900)


def test_a_gap_queues_and_filling_it_makes_the_run_pending():
    pool = TxPool()
    admit(pool, tx(2))
    admit(pool, tx(3))
    assert [nonces(x) for x in pool.snapshot()] == [[], [2, 3]]
    assert pool.pending_nonce(KEYS[0].evm, lambda _: 0) == 0
    admit(pool, tx(0))
    assert [nonces(x) for x in pool.snapshot()] == [[0], [2, 3]]
    admit(pool, tx(1))
    assert [nonces(x) for x in pool.snapshot()] == [[0, 1, 2, 3], []]
    assert pool.pending_nonce(KEYS[0].evm, lambda _: 0) == 4


def test_a_commit_between_reading_the_state_and_the_pool_is_read_again():
    """Commit (another thread) writes the state, then drops the block's txs from the pool:
    a pending nonce read of the old state and the updated pool would answer a used nonce."""
    pool = TxPool()
    admit(pool, tx(0))
    reads: list[int] = []

    def committed_nonce(sender: bytes) -> int:
        if not reads:  # the block taking nonce 0 commits right after this read
            reads.append(0)
            pool.on_commit(2, lambda s: 1)
            return 0
        reads.append(1)
        return 1

    assert pool.pending_nonce(KEYS[0].evm, committed_nonce) == 1
    assert reads == [0, 1]


def test_the_window_counts_from_the_next_pending_nonce():
    pool = TxPool(account_queue=4)
    admit(pool, tx(0))
    admit(pool, tx(4))  # pending run ends at 1: 1 + 4 > 4
    with pytest.raises(TxError) as e:
        pool.check_slot(tx(5), 0)
    assert e.value.code == codes.INVALID_SEQUENCE
    assert e.value.log.startswith("nonce too high: address 0x") and "tx: 5 state: 1" in e.value.log


def test_the_pool_wide_queue_cap_refuses_more_gapped_txs():
    pool = TxPool(global_queue=2)
    admit(pool, tx(1, key=0))
    admit(pool, tx(1, key=1))
    with pytest.raises(TxError) as e:
        pool.check_slot(tx(1, key=2), 0)
    assert (e.value.code, e.value.log) == (codes.MEMPOOL_FULL, "txpool is full")
    admit(pool, tx(0, key=2))  # a pending tx is never refused by the queue cap
    assert len(pool) == 3


def test_replacement_needs_ten_percent_more_on_fee_and_tip():
    pool = TxPool()
    old = tx(0, max_fee=1000 * 10**7, tip=100 * 10**7)
    admit(pool, old)
    for fee, tip in ((1050, 110), (1100, 105), (1099, 200)):
        with pytest.raises(TxError) as e:
            pool.check_slot(tx(0, max_fee=fee * 10**7, tip=tip * 10**7), 0)
        assert e.value.log == "replacement transaction underpriced"
    new = tx(0, max_fee=1100 * 10**7, tip=110 * 10**7)
    admit(pool, new)
    assert pool.holder(KEYS[0].evm, 0) == new
    assert pool.buried(old.hash) == REPLACED and pool.find(old.hash) is None
    assert pool.check_slot(new, 0) is True  # the same tx again: already held


def test_queued_txs_expire_after_the_ttl_in_blocks_pending_ones_do_not():
    pool = TxPool(ttl_blocks=3)
    admit(pool, tx(0), height=10)
    admit(pool, tx(5), height=10)
    for h in (11, 12):
        pool.on_commit(h, lambda s: 0)
        assert nonces(pool.snapshot()[1]) == [5]
    pool.on_commit(13, lambda s: 0)
    assert [nonces(x) for x in pool.snapshot()] == [[0], []]
    assert pool.buried(tx(5).hash) == EXPIRED


def test_commit_drops_the_nonces_a_block_used_and_what_recheck_did_not_see():
    pool = TxPool()
    for n in range(4):
        admit(pool, tx(n), height=5)
    pool.on_commit(6, lambda s: 2)  # the block took nonces 0 and 1
    assert [nonces(x) for x in pool.snapshot()] == [[2, 3], []]
    pool.mark_seen(tx(2), 6)  # the recheck round after height 6 saw only nonce 2
    pool.on_commit(7, lambda s: 2)
    assert [nonces(x) for x in pool.snapshot()] == [[2], []]
