"""``store.gc_policy.GcPolicy``: no automatic collection inside a block, no scan of the
block's survivors after it, their cycles collected when they are thawed, and the worker's
collect-and-freeze between segments."""

from __future__ import annotations

import gc
import weakref

from store.gc_policy import GcPolicy


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


def test_a_blocks_survivors_are_frozen_then_thawed_so_cycles_are_collected() -> None:
    gc.collect()
    gc.unfreeze()
    policy = GcPolicy(thaw_every=8)
    refs = []
    for _ in range(policy.thaw_every - 1):
        with policy.block():
            refs.append(cycle())
        assert gc.get_freeze_count() > 0  # frozen: the next collection does not scan them
    gc.collect()
    assert all(r() is not None for r in refs)  # frozen cycles wait for the thaw
    with policy.block():
        refs.append(cycle())
    assert gc.get_freeze_count() == 0  # the thaw_every-th block thaws and collects
    assert all(r() is None for r in refs)


def test_between_segments_collects_then_freezes_with_automatic_collection_off() -> None:
    ref = cycle()
    try:
        GcPolicy().between_segments()
        assert not gc.isenabled() and ref() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
