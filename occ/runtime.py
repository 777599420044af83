"""Runtime knobs for block execution: pausing Python's cyclic garbage collector, and the
CPU priority of worker processes.

Executing a block allocates many container objects that all stay alive until the block
ends (outcomes, outputs, write sets), so automatic collections find little to free while
rescanning a growing heap; measured, they made unpickling outcomes 2-3x slower. Execution
pauses them and lets refcounting free what it can; the block's cycles are collected later
(see ``paused_gc``), or (in workers) after their segment.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

#: Blocks between two thaws of the objects ``paused_gc`` froze.
THAW_EVERY = 64
_blocks = 0


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause automatic cyclic collection inside the block, restoring the previous state.

    Re-enabled as is, the collector would scan everything the block allocated and kept
    alive at the first allocation after it (~1 ms per 1,000 txs, on the block's path).
    Instead those objects are frozen first (O(1)): refcounting still frees them, and every
    ``THAW_EVERY`` blocks they are thawed and a full collection frees the cycles among them
    (~20 ms with the app's modules loaded: one block in 64 pays it, predictably)."""
    global _blocks
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            _blocks += 1
            if _blocks % THAW_EVERY:
                gc.freeze()
            else:
                gc.unfreeze()
                gc.collect()
            gc.enable()


def collect_between_blocks() -> None:
    """For worker processes, which keep automatic collection off: free the cycles of the
    segment just run, then freeze the survivors (modules, state) so later collections skip
    them."""
    gc.disable()
    gc.collect()
    gc.freeze()


#: How much lower than the coordinator a worker runs (``nice`` increment).
WORKER_NICENESS = 5


def yield_to_coordinator() -> None:
    """Lower this worker process's CPU priority. Workers are CPU-bound and the coordinator
    works in short bursts (settling outcomes, sending chunks); when they share the cores, a
    coordinator that waits for CPU starves every worker of chunks, so it goes first."""
    os.nice(WORKER_NICENESS)
