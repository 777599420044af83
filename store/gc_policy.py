"""``GcPolicy``: the one owner of how the node drives Python's cyclic garbage collector.

Why it is driven at all (measured):

* The state loaded at start (the commitment trees) is millions of long-lived, acyclic
  objects. Left in the collected generations, every full collection rescans them; frozen
  (``gc.freeze``: moved to a generation never scanned) they cost nothing, and refcounting
  still frees them. ``SeiDB.start`` calls ``after_load``.
* Executing a block allocates many container objects that all stay alive until the block
  ends (outcomes, outputs, write sets), so automatic collections inside a block find little
  to free while rescanning a growing heap; they made unpickling outcomes 2-3x slower. The
  executors (``occ.executors.SerialExecutor``, ``occ.scheduler.OccScheduler``) run each
  block inside ``block()``, which pauses automatic collection and lets refcounting free
  what it can.
* Re-enabled as is after a block, the collector would scan everything the block allocated
  and kept alive at the first allocation after it (~1 ms per 1,000 txs, on the block's
  path). So at the end of a block those objects are frozen first (O(1)); every
  ``thaw_every`` blocks everything is thawed and one full collection frees the cycles
  (~20 ms with the app's modules loaded: one block in 64 pays it, predictably).
* OCC worker processes (``occ.worker``) keep automatic collection off for good: they
  collect and freeze the survivors (modules, state) once started and after each segment
  (``between_segments``), while the coordinator settles, off its path.

Construct one per process that executes blocks (the node does, and hands it to ``SeiDB``
and to its scheduler or executor); a component given no policy leaves the collector alone.
The block count is the only state, and it feeds no result.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Blocks between two thaws of the objects frozen at the end of each block.
THAW_EVERY = 64


class GcPolicy:
    """Pause automatic collection during blocks; freeze, thaw and collect between them."""

    __slots__ = ("thaw_every", "_blocks")

    def __init__(self, thaw_every: int = THAW_EVERY) -> None:
        self.thaw_every = thaw_every
        self._blocks = 0

    def after_load(self) -> None:
        """The state just loaded is long-lived: keep collections from rescanning it."""
        gc.freeze()

    @contextmanager
    def block(self) -> Iterator[None]:
        """No automatic collection inside; at the end freeze the block's survivors, or (every
        ``thaw_every`` blocks) thaw everything and collect. A block nested in another (an
        executor falling back to another) is part of the outer one."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                self._blocks += 1
                if self._blocks % self.thaw_every:
                    gc.freeze()
                else:
                    gc.unfreeze()
                    gc.collect()
                gc.enable()

    def between_segments(self) -> None:
        """In an OCC worker process, at start and after each segment: automatic collection
        off, the segment's cycles freed, the survivors frozen."""
        gc.disable()
        gc.collect()
        gc.freeze()
