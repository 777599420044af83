"""``store.gc_policy.GcPolicy``: no automatic collection inside a block, no scan of the
block's survivors after it, their cycles collected in full once the frozen objects grew by
``FULL_AFTER_GROWTH_PERCENT``, and the worker's collect-and-freeze between segments."""

from __future__ import annotations

import gc
import weakref

from store.gc_policy import BUSY_FACTOR, FULL_AFTER_GROWTH_PERCENT, RECOUNT_STEPS, GcPolicy


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


def test_frozen_cycles_wait_for_a_full_collection_once_the_frozen_objects_grew_enough() -> None:
    gc.collect()
    gc.unfreeze()
    policy = GcPolicy()
    try:
        with policy.block():
            pass  # nothing frozen before: the first block's end collects in full
        base = gc.get_freeze_count()
        assert base > 0
        refs = []
        for _ in range(5):
            with policy.block():
                refs.append(cycle())
            assert _frozen([refs[-1]()])  # the block's survivors are frozen
        gc.collect()
        assert all(r() is not None for r in refs)  # frozen cycles wait for a full collection
        with policy.block():
            kept = [Node() for _ in range(base * FULL_AFTER_GROWTH_PERCENT // 100 + 10)]  # grown enough
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


def _settled() -> tuple[GcPolicy, int]:
    """A policy right after its first full collection, and the frozen count it left."""
    gc.collect()
    gc.unfreeze()
    policy = GcPolicy()
    with policy.block():
        pass  # nothing frozen before: the first block's end collects in full
    return policy, gc.get_freeze_count()


def _grow(policy: GcPolicy, count: int, txs: int) -> list[Node]:
    with policy.block(txs):
        return [Node() for _ in range(count)]


def test_a_loaded_block_leaves_the_full_collection_to_the_next_block_without_txs() -> None:
    policy, base = _settled()
    try:
        with policy.block(txs=10):
            ref = cycle()
        kept = _grow(policy, base * FULL_AFTER_GROWTH_PERCENT // 100 + 10, txs=500)  # grown enough
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
        kept = _grow(policy, base * FULL_AFTER_GROWTH_PERCENT // 100 + 10, txs=500)
        assert ref() is not None
        kept += _grow(policy, base * FULL_AFTER_GROWTH_PERCENT * BUSY_FACTOR // 100, txs=500)
        assert ref() is None and _frozen(kept)
    finally:
        gc.unfreeze()


def test_objects_frozen_then_freed_do_not_count_as_growth() -> None:
    policy, base = _settled()
    try:
        with policy.block(txs=0):
            ref = cycle()
        for _ in range(FULL_AFTER_GROWTH_PERCENT // 100 + 2):  # the estimate passes the threshold
            transient = _grow(policy, base, txs=0)  # frozen at the block's end,
            del transient  # then freed by refcounting (as a tx pool's entries are)
        assert ref() is not None and _frozen([ref()])  # counted for real: no growth, no collection
        kept = _grow(policy, base * FULL_AFTER_GROWTH_PERCENT // 100 + 10, txs=0)  # real growth
        assert ref() is None and _frozen(kept)
    finally:
        gc.unfreeze()


def _counted_freeze_counts(monkeypatch) -> list[int]:
    """From now on each real count of the frozen objects (``gc.get_freeze_count``) appends
    to the list returned."""
    counts: list[int] = []
    real_count = gc.get_freeze_count

    def counting() -> int:
        counts.append(1)
        return real_count()

    monkeypatch.setattr(gc, "get_freeze_count", counting)
    return counts


def test_a_count_that_found_too_little_growth_waits_for_more_before_the_next(monkeypatch) -> None:
    policy, base = _settled()
    threshold = base * FULL_AFTER_GROWTH_PERCENT // 100
    step = threshold // RECOUNT_STEPS
    counts = _counted_freeze_counts(monkeypatch)
    try:
        kept = _grow(policy, threshold - step, txs=0)  # real growth a step under the threshold
        for size in (step // 2, step // 2 + 10):  # frozen, then freed: the estimate passes
            transient = _grow(policy, size, txs=0)
            del transient
        assert len(counts) == 1  # counted: too little growth
        for _ in range(2):  # two thirds of a step more: past the threshold, not a step past the count
            transient = _grow(policy, step // 3, txs=0)
            del transient
        assert len(counts) == 1
        transient = _grow(policy, step // 2, txs=0)  # past a step: counted again
        del transient
        assert len(counts) == 2
        assert _frozen(kept)
    finally:
        gc.unfreeze()


def test_a_loaded_block_counts_for_real_only_past_the_busy_factor(monkeypatch) -> None:
    policy, base = _settled()
    threshold = base * FULL_AFTER_GROWTH_PERCENT // 100
    counts = _counted_freeze_counts(monkeypatch)
    try:
        for _ in range(BUSY_FACTOR):  # frozen, then freed: the estimate passes the threshold
            transient = _grow(policy, threshold // 2, txs=500)
            del transient
        assert counts == []  # loaded blocks: under the busy factor, no count
        with policy.block(txs=0):
            pass
        assert len(counts) == 1  # a block without txs counts (and finds too little growth)
    finally:
        gc.unfreeze()
