"""Blocks rendered in the indexer's helper process index exactly as rendered inline."""

from __future__ import annotations

import time

from coincurve import PrivateKey

from eth_rpc.index import BlockIndex, Indexer
from eth_rpc.index.kv import MemoryKV
from evm_bridge.signer import sign_tx
from evm_bridge.txs import decode_tx
from ledger.blocks import CommittedBlock
from ledger.results import TxResult

CHAIN = 713714


def _blocks(count: int) -> list[CommittedBlock]:
    out = []
    for height in range(1, count + 1):
        raws = tuple(sign_tx(PrivateKey().secret, chain_id=CHAIN, nonce=0, gas=21_000, to=b"\x22" * 20, value=height,
                             max_fee_per_gas=10**11, max_priority_fee_per_gas=10**9) for _ in range(3))
        out.append(CommittedBlock(
            height=height, hash=bytes([height]) * 32, time_ns=height * 10**9, proposer=b"\x01" * 20,
            app_hash=bytes([height + 1]) * 32, txs=raws, results=tuple(TxResult(gas_used=21_000) for _ in raws),
            gas_limit=10**8, gas_used=63_000, base_fee_wei=0, decoded=tuple(decode_tx(r, CHAIN) for r in raws),
        ))
    return out


def _index(blocks: list[CommittedBlock], render_process: bool) -> dict[bytes, bytes]:
    kv = MemoryKV()
    indexer = Indexer(BlockIndex(kv, CHAIN), render_process=render_process)
    indexer.start()
    try:
        if render_process:
            assert indexer._warm is not None
            indexer._warm.result(timeout=60)
        seen = []
        indexer.index.add_listener(lambda r: seen.append(r.height))
        for block in blocks:
            indexer.observe(block)
        indexer.wait_idle()
        assert seen == [b.height for b in blocks]
        if render_process:
            assert indexer._pool is not None  # the helper rendered them
    finally:
        indexer.close()
    return dict(kv._data)


def test_helper_process_renders_like_the_thread() -> None:
    blocks = _blocks(4)
    started = time.time()
    assert _index(blocks, True) == _index(blocks, False)
    assert time.time() - started < 60


def _index_prepared(blocks: list[CommittedBlock], steps: list[tuple[str, int]]) -> tuple[dict[bytes, bytes], int]:
    """Run ``steps`` (("prepare" | "observe", block number)) on an indexer whose helper is
    up; returns the index's rows and how many blocks came from an early rendering."""
    kv = MemoryKV()
    indexer = Indexer(BlockIndex(kv, CHAIN), render_process=True)
    indexer.start()
    try:
        assert indexer._warm is not None
        indexer._warm.result(timeout=60)
        for step, n in steps:
            getattr(indexer, step)(blocks[n - 1])
        indexer.wait_idle()
        return dict(kv._data), indexer.rendered_early
    finally:
        indexer.close()


def test_blocks_rendered_from_finalize_block_index_like_the_thread() -> None:
    blocks = _blocks(3)
    rows, early = _index_prepared(blocks, [(s, n) for n in (1, 2, 3) for s in ("prepare", "observe")])
    assert (rows, early) == (_index(blocks, False), 3)


def test_an_early_rendering_against_a_parent_not_yet_known_is_rendered_again() -> None:
    # block 2 staged before block 1 was observed: rendered against a zero parent hash,
    # which the index no longer holds once block 1 is written
    blocks = _blocks(2)
    rows, early = _index_prepared(blocks, [("prepare", 2), ("observe", 1), ("observe", 2)])
    assert (rows, early) == (_index(blocks, False), 0)


def test_an_early_rendering_of_another_block_is_not_used() -> None:
    blocks = _blocks(2)
    other = _blocks(2)[1]  # height 2, other txs and the same hash: told apart by the hash below
    other = CommittedBlock(**{**other.__dict__, "hash": b"\x99" * 32})
    rows, early = _index_prepared([*blocks, other], [("observe", 1), ("prepare", 3), ("observe", 2)])
    assert (rows, early) == (_index(blocks, False), 0)
