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
  state. It runs at a block's end once the heap grew by ``growth_percent`` (twice its
  size) since the last one, as Python's own rule for its oldest generation waits for a
  quarter more objects: its cost stays proportional to the growth,
  and what cycles it finds stay a bounded part of the heap (measured in process: 30
  objects found after 20 blocks of 500 transfers, in a full collection of 245k objects
  taking 94 ms; the rule before, a full collection every 64 blocks, rescanned the whole
  state every ~17 s whatever its size). Twice, not half: cycles are that rare, and on a
  young state (a fresh node under load) half meant a full collection every few blocks,
  8 % of the app's GIL time in the bench's mix load; at 200 % the four loads ran 1-12 %
  faster, median latency 10-20 % lower (``bench/e2e_bench.py``, 2 rounds each way). The growth is the
  heap's: the objects allocated and still alive, as pymalloc counts them
  (``sys.getallocatedblocks``, a walk of its pools: ~2 ms for 15 million blocks, where
  ``gc.get_freeze_count`` walks every frozen object, 50 ms for 5 million). Objects frozen
  and freed since (a tx pool's entries; the commitment trees' nodes replaced 64 versions
  ago) are not growth, and a count of objects frozen at each block's end counted them: the
  rule before, a real count of the frozen objects once that estimate passed the threshold,
  took 18-92 ms a count on a bench node (probe, 3 rounds of the four loads: three counts
  and one full collection, all in blocks without txs; now one full collection there and no
  measure above 2 ms). The heap is
  measured at a block's end once the objects the collector saw allocated since the last
  measure (its young-generation count at each block's end) reach ``1/MEASURE_STEPS`` of the
  threshold, so an idle or steady node measures every few blocks, not at each.
* The full collection waits for a block without txs (the node is idle, nothing waits on
  that block's end) unless the heap grew ``BUSY_FACTOR`` times the threshold:
  full collections inside loaded blocks were 10 % of the app process's GIL samples in the
  bench's mix load (py-spy), each on the path of the block's txs.
* OCC worker processes (``occ.worker``) keep automatic collection off for good: they
  collect and freeze the survivors (modules, state) once started and after each segment
  (``between_segments``), while the coordinator settles, off its path.

Construct one per process that executes blocks (the node does, and hands it to ``SeiDB``
and to its scheduler or executor); a component given no policy leaves the collector alone.
The heap after the last full collection and the objects allocated since the last measure
are the only state, and they feed no result.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: A block's end runs a full collection once the heap grew by this many percent since the
#: last one.
FULL_AFTER_GROWTH_PERCENT = 200
#: A block with txs collects in full only once the growth reached this many times the
#: threshold (a block without txs does at the threshold).
BUSY_FACTOR = 4
#: The heap is measured once the objects allocated since the last measure reach this
#: fraction of the threshold.
MEASURE_STEPS = 16


class GcPolicy:
    """Pause automatic collection during blocks; freeze between them, and collect in full
    when the heap grew ``growth_percent`` since the last full collection."""

    __slots__ = ("growth_percent", "_heap_after_full", "_allocated_since", "_over")

    def __init__(self, growth_percent: int = FULL_AFTER_GROWTH_PERCENT) -> None:
        self.growth_percent = growth_percent
        self._heap_after_full = 0  # allocated blocks after the last full collection
        self._allocated_since = 0  # objects allocated (less freed, roughly) since the last measure
        self._over = False  # the last measure found the heap past the threshold

    def after_load(self) -> None:
        """The state just loaded is long-lived: keep collections from rescanning it."""
        gc.freeze()
        self._heap_after_full = sys.getallocatedblocks()
        self._allocated_since = 0
        self._over = False

    @contextmanager
    def block(self, txs: int = 0) -> Iterator[None]:
        """No automatic collection inside; at the end freeze the block's survivors, then
        collect in full if the heap grew enough (``full_collection``; a block of ``txs`` > 0
        only past ``BUSY_FACTOR`` times as much). A block nested in another (an executor
        falling back to another) is part of the outer one."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                self._allocated_since += gc.get_count()[0]
                gc.freeze()
                if self._full_due(txs):
                    self.full_collection()
                gc.enable()

    def _full_due(self, txs: int) -> bool:
        threshold = self._heap_after_full * self.growth_percent  # in hundredths of a block
        if not (self._over and txs == 0) and self._allocated_since * 100 * MEASURE_STEPS < threshold:
            return False
        self._allocated_since = 0
        grown = (sys.getallocatedblocks() - self._heap_after_full) * 100
        self._over = grown > threshold
        return grown > (threshold if txs == 0 else threshold * BUSY_FACTOR)

    def full_collection(self) -> None:
        """Thaw everything, free every unreachable cycle, freeze the survivors."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._heap_after_full = sys.getallocatedblocks()
        self._allocated_since = 0
        self._over = False

    def between_segments(self) -> None:
        """In an OCC worker process, at start and after each segment: automatic collection
        off, the segment's cycles freed, the survivors frozen."""
        gc.disable()
        gc.collect()
        gc.freeze()
