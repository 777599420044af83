"""``store.gc_policy.GcPolicy``: no automatic collection inside a block, no scan of the
block's survivors after it, their cycles collected in full once the heap grew by
``FULL_AFTER_GROWTH_PERCENT``, and the worker's collect-and-freeze between segments."""

from __future__ import annotations

import gc
import sys
import weakref

from store.gc_policy import BUSY_FACTOR, FULL_AFTER_GROWTH_PERCENT, MEASURE_STEPS, GcPolicy


class Node:
    def __init__(self) -> None:
        self.peer: Node | None = None


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.peer, b.peer = b, a
    return weakref.ref(a)


def test_blocks_run_without_automatic_collection_and_restore_it() -> None:
    policy = GcPolicy()
    assert gc.isenabled()
    with policy.block():
        assert not gc.isenabled()
        with policy.block():  # a nested block is part of the outer one
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.unfreeze()


def _frozen(objects: list[object]) -> bool:
    """Every one of ``objects`` (tracked by the collector) sits in the frozen generation:
    ``gc.get_objects()`` lists only the three collected ones."""
    collected = {id(o) for o in gc.get_objects()}
    return not any(id(o) in collected for o in objects)


def _settled() -> tuple[GcPolicy, int]:
    """A policy right after its first full collection, and the heap it left (blocks)."""
    gc.collect()
    gc.unfreeze()
    policy = GcPolicy()
    with policy.block():
        pass  # nothing measured before: the first block's end collects in full
    return policy, sys.getallocatedblocks()


def _grow(policy: GcPolicy, blocks: int, txs: int) -> list[Node]:
    """A block of ``txs`` that leaves the heap ``blocks`` (allocated blocks) larger."""
    target = sys.getallocatedblocks() + blocks
    kept: list[Node] = []
    with policy.block(txs):
        while sys.getallocatedblocks() < target:
            kept.extend(Node() for _ in range(1000))
    return kept


def _threshold(base: int, factor: int = 1) -> int:
    return base * FULL_AFTER_GROWTH_PERCENT * factor // 100


def test_frozen_cycles_wait_for_a_full_collection_once_the_heap_grew_enough() -> None:
    policy, base = _settled()
    try:
        refs = []
        for _ in range(5):
            with policy.block():
                refs.append(cycle())
            assert _frozen([refs[-1]()])  # the block's survivors are frozen
        gc.collect()
        assert all(r() is not None for r in refs)  # frozen cycles wait for a full collection
        kept = _grow(policy, _threshold(base) + 10_000, txs=0)  # grown enough
        assert all(r() is None for r in refs)  # this block's end collected in full
        assert _frozen(kept)  # and froze the survivors again
        with policy.block():
            late = cycle()
        gc.collect()
        assert late() is not None and _frozen([late()])  # grown too little: frozen, not collected
    finally:
        gc.unfreeze()


def test_between_segments_collects_then_freezes_with_automatic_collection_off() -> None:
    ref = cycle()
    try:
        GcPolicy().between_segments()
        assert not gc.isenabled() and ref() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


def test_a_loaded_block_leaves_the_full_collection_to_the_next_block_without_txs() -> None:
    policy, base = _settled()
    try:
        with policy.block(txs=10):
            ref = cycle()
        kept = _grow(policy, _threshold(base) + 10_000, txs=500)  # grown enough
        assert ref() is not None and _frozen([ref()])  # a loaded block: not collected yet
        with policy.block(txs=0):
            pass
        assert ref() is None and _frozen(kept)  # the empty block's end collected in full
    finally:
        gc.unfreeze()


def test_a_loaded_block_collects_once_the_growth_passed_the_busy_factor() -> None:
    policy, base = _settled()
    try:
        with policy.block(txs=10):
            ref = cycle()
        kept = _grow(policy, _threshold(base) + 10_000, txs=500)
        assert ref() is not None
        kept += _grow(policy, _threshold(base, BUSY_FACTOR), txs=500)
        assert ref() is None and _frozen(kept)
    finally:
        gc.unfreeze()


def test_objects_frozen_then_freed_do_not_count_as_growth() -> None:
    policy, base = _settled()
    try:
        with policy.block(txs=0):
            ref = cycle()
        for _ in range(FULL_AFTER_GROWTH_PERCENT // 100 + 2):  # frozen at each block's end,
            transient = _grow(policy, base, txs=0)
            del transient  # then freed by refcounting (as a tx pool's entries are)
        assert ref() is not None and _frozen([ref()])  # measured: no growth, no collection
        kept = _grow(policy, _threshold(base) + 10_000, txs=0)  # real growth
        assert ref() is None and _frozen(kept)
    finally:
        gc.unfreeze()


def _counted_measures(monkeypatch) -> list[int]:
    """From now on each measure of the heap (``sys.getallocatedblocks`` called by the
    policy) appends to the list returned."""
    counts: list[int] = []
    real = sys.getallocatedblocks

    class CountingSys:
        def __getattr__(self, name: str) -> object:
            return getattr(sys, name)

        @staticmethod
        def getallocatedblocks() -> int:
            counts.append(1)
            return real()

    monkeypatch.setattr("store.gc_policy.sys", CountingSys())
    return counts


def test_the_heap_is_measured_only_after_enough_allocations(monkeypatch) -> None:
    policy, base = _settled()
    step = _threshold(base) // MEASURE_STEPS
    counts = _counted_measures(monkeypatch)
    try:
        for _ in range(3):
            with policy.block(txs=500):
                transient = [Node() for _ in range(step // 4)]
            del transient
        assert counts == []  # three quarters of a step: not measured
        with policy.block(txs=500):
            transient = [Node() for _ in range(step // 2)]
        del transient
        assert len(counts) == 1  # past a step: measured (no growth)
        with policy.block(txs=0):
            pass
        assert len(counts) == 1  # an empty block measures only when the last measure was over
    finally:
        gc.unfreeze()


def test_an_empty_block_after_a_measure_over_the_threshold_measures_and_collects(monkeypatch) -> None:
    policy, base = _settled()
    try:
        with policy.block(txs=10):
            ref = cycle()
        kept = _grow(policy, _threshold(base) + 10_000, txs=500)  # measured over, not collected
        counts = _counted_measures(monkeypatch)
        with policy.block(txs=500):
            pass
        assert counts == [] and ref() is not None  # a loaded block waits for allocations
        with policy.block(txs=0):  # few allocations, but the last measure was over
            pass
        assert len(counts) == 2  # the measure, then the heap the full collection left
        assert ref() is None and _frozen(kept)
    finally:
        gc.unfreeze()
