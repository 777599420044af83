"""Interfaces of the OCC scheduler. ``occ`` schedules opaque tasks; it knows no VM."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple, Protocol

from store.api import ChangeSet, KVView, ReadView, StoreKey, Writes

#: A range a tx iterated: (store, start, end); None bounds are open.
RangeRead = tuple[str, bytes | None, bytes | None]


class TaskFailed(Exception):
    """A task's runner raised. Serial and OCC raise it for the lowest-index failing task, with
    the runner's exception as ``__cause__`` (a ``RemoteTaskError`` if it could not be pickled)."""

    def __init__(self, index: int) -> None:
        super().__init__(f"task {index} raised")
        self.index = index


class RemoteTaskError(Exception):
    """Stands for a runner exception that could not cross from a worker process."""


class WorkerCrashed(RuntimeError):
    """A worker process died or broke its protocol; the block has no result. The executor
    restarts its pool before the next block."""


class TaskRunner(Protocol):
    """Executes one task. Must be picklable and a pure function of (task, context, view):
    no clock, randomness or I/O besides the view. Its return value is opaque to ``occ`` and
    must be picklable; the scheduler returns the value of the tx's final execution unchanged. Tasks
    and the context must be picklable too (the context is sent once per block per worker).

    It may run several times per task, in any process, on views that later prove stale, so
    it must tolerate inconsistent reads (an exception there is only discarded). A runner that
    raises an ``Exception`` in its final execution fails the block with ``TaskFailed``,
    the same as in serial execution; other ``BaseException``s in a worker are a crash.
    ``view.iterate`` reflects the view when called: writes made while iterating are unseen."""

    def run(self, task: Any, context: Any, view: KVView) -> Any: ...


@dataclass(frozen=True)
class BlockStats:
    """What the scheduler did for one block."""

    tasks: int = 0
    #: Tx executions, wherever they ran: every tx once (in order by the coordinator or
    #: speculatively by a worker), plus the re-executions.
    executions: int = 0
    #: Worker outcomes found invalid and executed again by the coordinator, in order.
    re_executions: int = 0
    #: Segments given to worker processes (0: the coordinator ran the whole block).
    worker_segments: int = 0
    #: The coordinator ran worker txs in order instead of taking their outcomes: a burst of
    #: conflicts in a segment (most of its outcomes re-executed; the planner then gives
    #: workers only a probe until conflicts ease), a stalled worker (the rest of its segment
    #: run in order), or a crashed one (the whole block run again serially).
    in_order_fallback: bool = False
    #: Txs the coordinator executed in block order: its own segment and re-executions.
    in_order_txs: int = 0
    #: Txs sent to worker processes.
    speculated_txs: int = 0
    execute_ms: int = 0
    validate_ms: int = 0
    #: The keys that caused most invalidations: ((store, key hex), count), most first.
    conflict_keys: tuple[tuple[tuple[str, str], int], ...] = ()


@dataclass(frozen=True)
class Schedule:
    """The outcome of a block: per-task outputs in block order and one change set."""

    outputs: tuple[Any, ...]
    changeset: ChangeSet
    stats: BlockStats = field(default_factory=BlockStats)


class Scheduler(Protocol):
    """Runs a block's tasks over the state at ``base_version`` (read through ``base``; worker
    processes open the same version themselves, so it must be readable through the state
    opener when ``execute_block`` is called).

    Guarantee: ``outputs`` and ``changeset`` equal those of running the tasks one by one in
    block order over ``base``, whatever the worker count or timing; the change set holds
    every key any task wrote, with its last value (None = deleted). Lifecycle: construct
    (starts nothing), ``start()``, ``execute_block`` per block, ``close()``.
    """

    def execute_block(
        self,
        tasks: Sequence[Any],
        context: Any,
        base: ReadView,
        base_version: int,
        runner: TaskRunner,
    ) -> Schedule: ...

    def start(self) -> None: ...

    def close(self) -> None: ...


class Outcome(NamedTuple):
    """A worker's speculative execution of one tx, as it reports it."""

    index: int
    output: Any
    #: The runner's exception, if it raised (its writes are then dropped).
    error: BaseException | None
    #: Every key read from outside the tx's own writes (absent ones included).
    reads: tuple[StoreKey, ...]
    ranges: tuple[RangeRead, ...]
    writes: Writes


class Batch(NamedTuple):
    """Outcomes of consecutive txs of one worker's segment."""

    worker: int
    outcomes: list[Outcome]
    #: The segment's last batch.
    last: bool
    #: Nanoseconds the worker spent executing them, and the coordinator's side spent
    #: receiving them (0 when not measured); they feed the planner only, never a result.
    busy_ns: int = 0
    receive_ns: int = 0


#: An ``Outcome`` from a plain tuple of its fields, at C speed (``Outcome._make`` is a
#: Python call; workers and the coordinator convert every tx's outcome).
as_outcome: Callable[[Iterable[Any]], Outcome] = partial(tuple.__new__, Outcome)

#: A segment of a block for one worker: (index of its first tx, the txs in block order).
Segment = tuple[int, Sequence[Any]]


class Executor(Protocol):
    """Runs segments of a block speculatively for ``OccScheduler`` on ``workers`` workers.

    A worker executes its segment's txs in order over the block's base state plus the
    writes of the segment's earlier txs (never another segment's), and reports outcomes in
    batches of ``batch`` txs, in order; the last batch of a segment says so.
    """

    @property
    def workers(self) -> int: ...

    def start(self) -> None: ...

    def close(self) -> None: ...

    def begin_block(self, runner: TaskRunner, context: Any, base: ReadView, base_version: int) -> None:
        """Prepare every worker for a block (ships the runner and context once)."""
        ...

    def submit(self, worker: int, segment: Segment, batch: int) -> None:
        """Give ``worker`` its segment of the block (at most one per block)."""
        ...

    def cancel(self, worker: int) -> None:
        """Ask ``worker`` to end its segment early (what it already sent still arrives)."""
        ...

    def poll(self) -> None:
        """Take in replies that arrived, without waiting (so workers never wait on a full
        pipe while the coordinator executes its own segment)."""
        ...

    def collect(self, block: bool = True, timeout: float | None = None) -> Batch | None:
        """One batch of outcomes. Waits for it (at most ``timeout`` seconds if given), or
        (``block=False``) returns None when none is ready; raises ``WorkerCrashed``."""
        ...
