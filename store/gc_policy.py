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
  path). So at the end of a block those objects are frozen (O(1)). Cycles among frozen
  objects are freed only by a full collection (thaw everything, collect, freeze the
  survivors), which scans the whole heap: 94 ms for 245k objects, seconds for a large
  state. It runs at a block's end once the blocks since the last one froze
  ``growth_percent`` (twice) as many objects as that one left frozen, as Python's own rule
  for its oldest generation does (a quarter): its cost stays proportional to the growth,
  and what cycles it finds stay a bounded part of the heap (measured in process: 30
  objects found after 20 blocks of 500 transfers, in a full collection of 245k objects
  taking 94 ms; the rule before, a full collection every 64 blocks, rescanned the whole
  state every ~17 s whatever its size). Twice, not half: cycles are that rare, and on a
  young state (a fresh node under load) half meant a full collection every few blocks,
  8 % of the app's GIL time in the bench's mix load; at 200 % the four loads ran 1-12 %
  faster, median latency 10-20 % lower (``bench/e2e_bench.py``, 2 rounds each way). A block's frozen objects are counted as the
  collector's young-generation count at its end (objects allocated less those freed since
  the last freeze or automatic collection: survivors of collections between blocks are
  not counted), O(1). That count also holds objects freed since (a tx pool's entries,
  freed once a block includes them), so once it passes the threshold the frozen objects
  are counted for real (``gc.get_freeze_count`` walks them, ~9 ms per million), and the
  count restarts from there when they did not grow enough. A block with txs counts only
  once the estimate passed ``BUSY_FACTOR`` times the threshold (below that it would not
  collect anyway), and a count that found too little growth is repeated only once the
  estimate grew by another ``1/RECOUNT_STEPS`` of the threshold: near the threshold, with
  about as many frozen objects freed as frozen, the estimate passed at every block, and
  the count at every loaded block (tens of ms for millions of objects) was 3-5 % of the
  app process's GIL samples in the bench's mix load.
* The full collection waits for a block without txs (the node is idle, nothing waits on
  that block's end) unless the frozen objects grew ``BUSY_FACTOR`` times the threshold:
  full collections inside loaded blocks were 10 % of the app process's GIL samples in the
  bench's mix load (py-spy), each on the path of the block's txs.
* OCC worker processes (``occ.worker``) keep automatic collection off for good: they
  collect and freeze the survivors (modules, state) once started and after each segment
  (``between_segments``), while the coordinator settles, off its path.

Construct one per process that executes blocks (the node does, and hands it to ``SeiDB``
and to its scheduler or executor); a component given no policy leaves the collector alone.
The two counts (frozen after the last full collection, frozen by blocks since) are the only
state, and they feed no result.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: A block's end runs a full collection once the frozen objects grew by this many percent
#: since the last one.
FULL_AFTER_GROWTH_PERCENT = 200
#: A block with txs collects in full only once the growth reached this many times the
#: threshold (a block without txs does at the threshold).
BUSY_FACTOR = 4
#: After a real count found too little growth, count again once the estimate grew by this
#: fraction of the threshold more.
RECOUNT_STEPS = 8


class GcPolicy:
    """Pause automatic collection during blocks; freeze between them, and collect in full
    when blocks froze ``growth_percent`` as many objects as the last full collection left."""

    __slots__ = ("growth_percent", "_frozen_after_full", "_frozen_since", "_counted_over", "_recount_at")

    def __init__(self, growth_percent: int = FULL_AFTER_GROWTH_PERCENT) -> None:
        self.growth_percent = growth_percent
        self._frozen_after_full = 0
        self._frozen_since = 0
        self._counted_over = False  # the real count passed the threshold since the last full
        self._recount_at = 0  # the estimate above which to count for real again

    def after_load(self) -> None:
        """The state just loaded is long-lived: keep collections from rescanning it."""
        gc.freeze()
        self._frozen_after_full = gc.get_freeze_count()
        self._frozen_since = 0
        self._recount_at = 0

    @contextmanager
    def block(self, txs: int = 0) -> Iterator[None]:
        """No automatic collection inside; at the end freeze the block's survivors, then
        collect in full if the frozen objects grew enough (``full_collection``; a block of
        ``txs`` > 0 only past ``BUSY_FACTOR`` times as much). A block nested in another (an
        executor falling back to another) is part of the outer one."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                self._frozen_since += gc.get_count()[0]
                gc.freeze()
                if self._full_due(txs):
                    self.full_collection()
                gc.enable()

    def _full_due(self, txs: int) -> bool:
        threshold = self._frozen_after_full * self.growth_percent
        if self._frozen_since * 100 <= threshold:
            return False
        if self._counted_over:  # the real growth passed the threshold
            return txs == 0 or self._frozen_since * 100 > threshold * BUSY_FACTOR
        # count for real once the estimate passed what this block would collect at
        due_at = threshold if txs == 0 else threshold * BUSY_FACTOR
        if self._frozen_since * 100 <= due_at or self._frozen_since <= self._recount_at:
            return False
        self._frozen_since = max(0, gc.get_freeze_count() - self._frozen_after_full)
        if self._frozen_since * 100 > threshold:
            self._counted_over = True
            return self._frozen_since * 100 > due_at
        self._recount_at = self._frozen_since + threshold // (100 * RECOUNT_STEPS)
        return False

    def full_collection(self) -> None:
        """Thaw everything, free every unreachable cycle, freeze the survivors."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._frozen_after_full = gc.get_freeze_count()
        self._frozen_since = 0
        self._counted_over = False
        self._recount_at = 0

    def between_segments(self) -> None:
        """In an OCC worker process, at start and after each segment: automatic collection
        off, the segment's cycles freed, the survivors frozen."""
        gc.disable()
        gc.collect()
        gc.freeze()
