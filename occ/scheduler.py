"""``OccScheduler``: the coordinator. It cuts the block into segments (``occ.planner``),
gives each worker one to run speculatively, executes the first segment itself in block
order meanwhile, then settles the workers' outcomes in block order (``occ.validation``),
re-executing the invalid ones itself. A worker that dies mid-block (or a pool that cannot
restart) makes the block run serially instead (same result); the pool restarts before the
next.

A tx the coordinator executes has every lower tx final, so its execution is final by
construction: each step finalizes one tx, and the block terminates after one pass.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from itertools import chain
from typing import Any

from occ.api import (
    BlockStats,
    Executor,
    Outcome,
    Schedule,
    StoreKey,
    TaskFailed,
    TaskRunner,
    WorkerCrashed,
    Writes,
)
from occ.executors import SerialExecutor
from occ.planner import Costs, Planner
from occ.validation import Dirty
from occ.view import TxView
from store.api import ReadView
from store.gc_policy import GcPolicy
from store.overlay import Overlay, changeset_of

#: Outcomes per reply from a worker: its segment divided in ``BATCHES`` batches of
#: ``MIN_BATCH`` to ``MAX_BATCH`` txs, so the coordinator settles the first while the last
#: run, and waits for little more than one batch at the end.
BATCHES = 16
MIN_BATCH = 8
MAX_BATCH = 32
#: A worker stalled: no batch within this many batches' expected time, plus a margin.
STALL_BATCHES = 4
STALL_MIN_S = 0.005
#: Own txs between two takes of the workers' replies.
POLL_EVERY = 16
#: A burst: this many of the last ``BURST_WINDOW`` settled outcomes invalid.
BURST_WINDOW = 32
BURST_INVALID = 24


def _no_clock() -> int:
    return 0


def batch_size(m: int) -> int:
    """Outcomes per reply for a worker segment of ``m`` txs."""
    return max(MIN_BATCH, min(MAX_BATCH, m // BATCHES))


def stall_seconds(costs: Costs, batch: int) -> float:
    """How long the coordinator waits for a worker's next batch before it runs the rest of
    that worker's segment itself: ``STALL_BATCHES`` batches at the expected speed, plus
    ``STALL_MIN_S`` (a worker that stalls, e.g. paged out, costs a block about serial time)."""
    return STALL_MIN_S + STALL_BATCHES * batch * costs.speculative / 1e9


class OccScheduler:
    """Optimistic parallel execution of a block, identical to ``SerialExecutor``, on the
    coordinator plus ``executor.workers`` workers.

    ``planner`` decides how many txs each worker speculates on (learning from the blocks
    it ran when ``clock`` is given, e.g. ``time.perf_counter_ns``; the clock also feeds
    ``BlockStats`` timings, never a result). ``gc_policy`` (``store.gc_policy``), if given,
    drives the garbage collector around each block.
    """

    def __init__(
        self,
        executor: Executor,
        *,
        planner: Planner | None = None,
        clock: Callable[[], int] = _no_clock,
        gc_policy: GcPolicy | None = None,
    ) -> None:
        self._executor = executor
        self.planner = planner or Planner()
        self._clock = clock
        self._gc_policy = gc_policy

    def start(self) -> None:
        self._executor.start()

    def close(self) -> None:
        self._executor.close()

    def __enter__(self) -> OccScheduler:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute_block(
        self, tasks: Sequence[Any], context: Any, base: ReadView, base_version: int, runner: TaskRunner
    ) -> Schedule:
        workers = self._executor.workers
        m = self.planner.segment(len(tasks), workers)
        run = _BlockRun(self._executor, tasks, context, base, runner, self._clock)
        if self._clock is not _no_clock:
            run.stall_s = stall_seconds(self.planner.costs, batch_size(m))
        with self._gc_block(len(tasks)):
            try:
                if m:
                    self._executor.begin_block(runner, context, base, base_version)
                    run.speculate(len(tasks) - workers * m, m)
                run.execute()
            except WorkerCrashed:
                del run
                return self._serially(tasks, context, base, base_version, runner)
            schedule = Schedule(tuple(run.outputs), changeset_of(run.final), run.stats())
            measured, stalled = run.costs(), run.stalled
            del run  # refcounting frees the block's bookkeeping before collection resumes
        s = schedule.stats
        if stalled:
            self.planner.observe_stall()
        if measured is not None:
            self.planner.observe(measured)
        elif s.speculated_txs:
            self.planner.observe_conflicts(1000 * s.re_executions // s.speculated_txs)
        return schedule

    def _gc_block(self, txs: int) -> AbstractContextManager[None]:
        return nullcontext() if self._gc_policy is None else self._gc_policy.block(txs)

    def _serially(
        self, tasks: Sequence[Any], context: Any, base: ReadView, base_version: int, runner: TaskRunner
    ) -> Schedule:
        """A worker died in the middle of the block (killed, out of memory), or the pool
        could not restart: the block runs again here, serially, which gives the same result
        by definition (``SerialExecutor`` is the oracle); the pool restarts before the next
        block."""
        schedule = SerialExecutor(self._gc_policy).execute_block(tasks, context, base, base_version, runner)
        return replace(schedule, stats=replace(schedule.stats, in_order_fallback=True))


class _BlockRun:
    """The coordinator's state for one block."""

    def __init__(
        self,
        executor: Executor,
        tasks: Sequence[Any],
        context: Any,
        base: ReadView,
        runner: TaskRunner,
        clock: Callable[[], int],
    ) -> None:
        self.executor, self.tasks, self.context, self.base, self.runner = (
            executor,
            tasks,
            context,
            base,
            runner,
        )
        self.clock = clock
        self.n = len(tasks)
        self.final: Writes = {}  # every final write of the block so far
        self.outputs: list[Any] = [None] * self.n
        self.own = self.n  # the coordinator's segment: txs below this
        self.segments: list[tuple[int, int]] = []  # the workers' (start, end), in block order
        self.inbox: list[deque[Outcome]] = [deque() for _ in range(executor.workers)]
        self.conflicts: Counter[StoreKey] = Counter()
        self.re_executions = 0
        self.burst = False
        self.stalled = 0  # txs of worker segments run in order after their worker stalled
        self.stall_s: float | None = None  # seconds to wait for a batch before that (None: ever)
        # nanoseconds: own segment, settling, receiving (the executor's clock), workers' busy time
        self.ns = {"own": 0, "settle": 0, "receive": 0, "speculative": 0, "total": 0}

    def speculate(self, own: int, m: int) -> None:
        """Keep txs below ``own`` for the coordinator; send ``m`` each to the workers."""
        self.own = own
        batch = batch_size(m)
        for worker in range(self.executor.workers):
            start = own + worker * m
            self.segments.append((start, start + m))
            self.executor.submit(worker, (start, self.tasks[start : start + m]), batch)

    def execute(self) -> None:
        begin = self.clock()
        self._run_in_order(0, self.own, self.executor.poll if self.segments else None)
        self.ns["own"] = self.clock() - begin
        for worker, (start, end) in enumerate(self.segments):
            self._settle_segment(worker, start, end)
        self.ns["total"] = self.clock() - begin

    def _settle_segment(self, worker: int, start: int, end: int) -> None:
        """Settle a worker's outcomes in order (every tx below ``start`` is final)."""
        dirty = Dirty(self.final)
        recent: deque[bool] = deque(maxlen=BURST_WINDOW)
        inbox = self.inbox[worker]
        for index in range(start, end):
            while not inbox:
                if not self._receive():
                    self.executor.cancel(worker)  # it stalled: no longer wait for it
                    self.stalled += end - index
                    self._run_in_order(index, end)  # its later outcomes are ignored
                    return
            outcome = inbox.popleft()
            assert outcome.index == index, (outcome.index, index)
            begin = self.clock()
            sk = dirty.conflict(outcome)
            if sk is None:
                if outcome.error is not None:
                    raise TaskFailed(index) from outcome.error
                self.final.update(outcome.writes)
                dirty.settle(outcome.writes)
                self.outputs[index] = outcome.output
                self.ns["settle"] += self.clock() - begin
            else:
                self.ns["settle"] += self.clock() - begin
                self.conflicts[sk] += 1
                writes = self._re_execute(index)
                dirty.taint(chain(outcome.writes, writes))
            recent.append(sk is not None)
            if sk is not None and not self.burst:
                self.burst = sum(recent) >= BURST_INVALID

    def _receive(self) -> bool:
        """Take in one batch; False if none came within ``stall_s``."""
        batch = self.executor.collect(block=True, timeout=self.stall_s)
        if batch is None:
            return False
        self.inbox[batch.worker].extend(batch.outcomes)
        self.ns["speculative"] += batch.busy_ns
        self.ns["receive"] += batch.receive_ns
        return True

    def _run_in_order(self, start: int, end: int, poll: Callable[[], None] | None = None) -> None:
        """Execute txs ``start..end-1`` here, in order, over the final writes (every lower
        tx is final, so each is final too); ``poll`` every ``POLL_EVERY`` txs."""
        view = Overlay(self.base, self.final)
        runner, tasks, context, outputs = self.runner, self.tasks, self.context, self.outputs
        for index in range(start, end):
            try:
                outputs[index] = runner.run(tasks[index], context, view)
            except Exception as exc:
                raise TaskFailed(index) from exc
            if poll is not None and index % POLL_EVERY == 0:
                poll()

    def _re_execute(self, index: int) -> Writes:
        """Execute tx ``index`` over the final writes (every lower tx is final): final."""
        self.re_executions += 1
        view = TxView(index, self.base, self.final)
        try:
            self.outputs[index] = self.runner.run(self.tasks[index], self.context, view)
        except Exception as exc:
            raise TaskFailed(index) from exc
        self.final.update(view.layer)
        return view.layer

    def stats(self) -> BlockStats:
        speculated = self.n - self.own
        top = sorted(self.conflicts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        return BlockStats(
            tasks=self.n,
            executions=self.n + self.re_executions,
            re_executions=self.re_executions,
            worker_segments=len(self.segments),
            in_order_fallback=self.burst or self.stalled > 0,
            in_order_txs=self.own + self.re_executions + self.stalled,
            speculated_txs=speculated,
            execute_ms=self.ns["total"] // 1_000_000,
            validate_ms=self.ns["settle"] // 1_000_000,
            conflict_keys=tuple(((store, key.hex()), count) for (store, key), count in top),
        )

    def costs(self) -> Costs | None:
        """Per-tx costs measured in this block, if the clock and the block allow."""
        speculated = self.n - self.own
        ns = self.ns
        if not speculated or self.stalled or self.own < MIN_BATCH or not ns["own"] or not ns["speculative"]:
            return None
        own = ns["own"] // self.own
        return Costs(
            own=max(1, own),
            speculative=max(1, ns["speculative"] // speculated),
            settle=(ns["settle"] + ns["receive"]) // speculated,
            invalid_permille=1000 * self.re_executions // speculated,
        )
