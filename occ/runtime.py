"""Runtime knobs for block execution: pausing Python's cyclic garbage collector, and the
CPU priority of worker processes.

Executing a block allocates many container objects that all stay alive until the block
ends (outcomes, outputs, multiversion entries), so automatic collections find little to
free while rescanning a growing heap; measured, they made unpickling outcomes 2-3x slower.
Execution pauses them and lets refcounting free what it can; the block's cycles are
collected after it, or (in workers) when the next block begins.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause automatic cyclic collection inside the block, restoring the previous state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
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
