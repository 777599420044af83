"""``occ.runtime.paused_gc``: no automatic collection inside a block, no scan of the
block's survivors after it, and their cycles collected when they are thawed."""

from __future__ import annotations

import gc
import weakref

from occ import runtime


class Node:
    def __init__(self) -> None:
        self.peer: Node | None = None


def cycle() -> weakref.ref[Node]:
    a, b = Node(), Node()
    a.peer, b.peer = b, a
    return weakref.ref(a)


def test_blocks_run_without_automatic_collection_and_restore_it() -> None:
    assert gc.isenabled()
    with runtime.paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_blocks_survivors_are_frozen_then_thawed_so_cycles_are_collected() -> None:
    gc.collect()
    gc.unfreeze()
    runtime._blocks = 0
    refs = []
    for _ in range(runtime.THAW_EVERY - 1):
        with runtime.paused_gc():
            refs.append(cycle())
        assert gc.get_freeze_count() > 0  # frozen: the next collection does not scan them
    gc.collect()
    assert all(r() is not None for r in refs)  # frozen cycles wait for the thaw
    with runtime.paused_gc():
        refs.append(cycle())
    assert gc.get_freeze_count() == 0  # the THAW_EVERY-th block thaws and collects
    assert all(r() is None for r in refs)
