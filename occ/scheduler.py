"""``OccScheduler``: the coordinator. It owns the block's multiversion store of final
writes, feeds chunks to the executor's workers, validates outcomes in block order, and
re-executes invalid txs itself.

Each tx follows the status diagram in ``occ/__init__.py``. Txs below ``k`` are final. The
coordinator validates or re-executes tx ``k`` only, with every lower tx final, so a
re-execution is valid by construction: each step advances ``k`` and the block terminates.
"""

from __future__ import annotations

import pickle
from collections import Counter, deque
from collections.abc import Callable, Sequence
from typing import Any

from occ.api import (
    BlockStats,
    Executor,
    Outcome,
    Record,
    Schedule,
    Shipment,
    StoreKey,
    TaskFailed,
    TaskRunner,
)
from occ.mvstore import MVStore
from occ.runtime import paused_gc
from occ.validation import first_conflict
from occ.view import TrackedView
from store.api import ChangeSet, ReadView

#: Chunks a worker may hold at once (one running, one queued so it never idles).
DEPTH = 2
#: A burst of conflicts: BURST_INVALID invalid among the last BURST_WINDOW validated txs.
BURST_WINDOW = 32
BURST_INVALID = 12
MAX_CHUNK = 64


def _no_clock() -> int:
    return 0


class OccScheduler:
    """Optimistic parallel execution of a block, identical to ``SerialExecutor``.

    Speculation runs in rounds: a round feeds chunks of the remaining txs to the workers
    and validates their outcomes in order. When a round meets a burst of conflicts it stops
    feeding and the coordinator runs the next txs in order itself, in segments that double
    each time, while a worker probes the last chunk of each segment; once a probe comes back
    mostly valid, a new round starts. After ``max_rounds`` rounds the rest of the block runs
    in order (``fallback_used``). ``clock`` (ns, e.g. ``time.perf_counter_ns``) only
    feeds ``BlockStats`` timings.
    """

    def __init__(
        self,
        executor: Executor,
        max_rounds: int = 10,
        *,
        chunk_size: int | None = None,
        clock: Callable[[], int] = _no_clock,
    ) -> None:
        self._executor = executor
        self._max_rounds = max_rounds
        self._chunk_size = chunk_size
        self._clock = clock

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
        if not tasks:
            return Schedule((), ChangeSet(), BlockStats())
        begin = self._clock()
        workers = self._executor.workers
        chunk = self._chunk_size or max(1, min(MAX_CHUNK, len(tasks) // (workers * 4)))
        self._executor.begin_block(runner, context, base, base_version)
        with paused_gc():
            run = _BlockRun(self._executor, tasks, context, base, runner, chunk, self._clock)
            run.execute(self._max_rounds)
            schedule = Schedule(
                tuple(run.outputs), ChangeSet.from_writes(run.mv.latest()), run.stats(self._clock() - begin)
            )
            del run  # refcounting frees the block's bookkeeping before collection resumes
        return schedule


class _BlockRun:
    """The coordinator's state for one block."""

    def __init__(
        self,
        executor: Executor,
        tasks: Sequence[Any],
        context: Any,
        base: ReadView,
        runner: TaskRunner,
        chunk: int,
        clock: Callable[[], int],
    ) -> None:
        self.executor, self.tasks, self.context, self.base, self.runner = (
            executor,
            tasks,
            context,
            base,
            runner,
        )
        self.n = len(tasks)
        self.chunk = chunk
        self.clock = clock
        self.mv = MVStore()  # final writes only
        self.outputs: list[Any] = [None] * self.n
        self.k = 0  # txs below k are final
        self.dispatched = 0  # txs below this were sent to a worker
        self.started = [0] * self.n  # executions started per tx; the latest is incarnation started-1
        self.pending: dict[int, Outcome] = {}
        self.unshipped: list[tuple[int, list[Record]]] = []  # (origin, final records) to ship
        self.origin = [-1] * self.n  # the worker each tx was dispatched to
        self.shipments: list[Shipment] = []  # every shipment of the block, in order
        self.shipping = False  # on from the block's first conflict
        workers = executor.workers
        self.cursor = [0] * workers
        self.in_flight = [0] * workers
        self.conflicts: Counter[StoreKey] = Counter()
        self.rounds = 0
        self.in_order = 0
        self.fallback = False
        self.validate_ns = 0

    def execute(self, max_rounds: int) -> None:
        segment = 4 * self.chunk * self.executor.workers
        while self.k < self.n:
            if self.rounds == max_rounds:
                self.fallback = True
                self._in_order(self.n, probe=False)
                return
            self.rounds += 1
            self._speculate()
            while self.k < self.n and not self._in_order(self.k + segment, probe=True):
                segment *= 2
            segment *= 2

    def _speculate(self) -> None:
        """One round: feed workers, settle outcomes in order; stop on a burst of conflicts.

        The round first sends one chunk per worker (the first is valid by construction, as
        every lower tx is final) and nothing more until the first chunk and a quarter of the
        second have settled: with a quarter or more of the recent ones invalid the round ends,
        else it keeps ``DEPTH`` chunks per worker in flight. A round that meets a serial
        stretch so wastes at most ``workers - 1`` chunks."""
        recent: deque[bool] = deque()  # validity of the last BURST_WINDOW settled txs
        invalid = 0  # invalid among them
        nxt = max(self.k, self.dispatched)
        wave = self.executor.workers * self.chunk
        first_wave = self.k + wave
        proven, full = min(first_wave, self.k + self.chunk + max(1, self.chunk // 4)), False
        while self.k < self.n:
            if not full and self.k >= proven:
                if 4 * invalid >= len(recent):
                    break  # the first chunks conflicted too much: a burst
                full = True
            limit = min(self.n, self.k + wave * DEPTH if full else first_wave)
            if nxt < limit and min(self.in_flight) < DEPTH:
                nxt = self._feed(nxt, limit)
            outcome = self.pending.pop(self.k, None)
            if outcome is None:
                self._gather(block=True)
                continue
            bad = self._settle(outcome)
            recent.append(bad)
            invalid += bad
            if len(recent) > BURST_WINDOW:
                invalid -= recent.popleft()
            if invalid >= BURST_INVALID:
                break
        self.dispatched = nxt

    def _feed(self, nxt: int, limit: int) -> int:
        """Send chunks of txs ``nxt..limit-1``, one per worker in turn (least busy first), up
        to ``DEPTH`` each; returns the next tx to send."""
        workers = sorted(range(len(self.in_flight)), key=self.in_flight.__getitem__)
        for depth in range(1, DEPTH + 1):
            for worker in workers:
                if nxt >= limit:
                    return nxt
                if self.in_flight[worker] < depth:
                    nxt = self._send_chunk(worker, nxt, limit)
        return nxt

    def _send_chunk(self, worker: int, nxt: int, limit: int) -> int:
        """Send txs from ``nxt`` (a chunk, shorter near the block's end) with the records the
        worker lacks; returns the next tx to send. Records are shipped once the block has
        had a conflict: until then no tx needed another worker's writes."""
        size = max(1, min(self.chunk, (self.n - nxt) // (2 * len(self.in_flight))))
        end = min(limit, nxt + size)
        chunk = []
        for index in range(nxt, end):
            chunk.append((index, self.started[index], self.tasks[index]))
            self.started[index] += 1
            self.origin[index] = worker
        shipments: list[Shipment] = []
        if self.shipping:
            for origin, records in self.unshipped:
                self.shipments.append((origin, pickle.dumps(records, pickle.HIGHEST_PROTOCOL)))
            self.unshipped = []
            shipments = self.shipments[self.cursor[worker] :]
            self.cursor[worker] = len(self.shipments)
        self.executor.submit(worker, shipments, chunk)
        self.in_flight[worker] += 1
        return end

    def _gather(self, block: bool) -> bool:
        """Take one finished chunk (waiting for it if ``block``); keep its current outcomes."""
        got = self.executor.collect(block)
        if got is None:
            return False
        worker, outcomes = got
        self.in_flight[worker] -= 1
        for o in outcomes:
            if o.index >= self.k and o.incarnation == self.started[o.index] - 1:
                self.pending[o.index] = o
        return True

    def _in_order(self, stop: int, probe: bool) -> bool:
        """The coordinator runs txs ``k..stop-1`` itself, using outcomes at hand.

        With ``probe``, a worker meanwhile speculates on the segment's last chunk; the
        coordinator never waits for it (a missing outcome counts as a failed probe). True
        when the probe came back mostly valid: conflicts have eased, speculate again."""
        stop = min(stop, self.n)
        first = end = stop
        if probe:
            while any(self.in_flight) and self._gather(block=False):
                pass  # free the workers' slots held by chunks that already finished
            first = max(self.k, self.dispatched, stop - max(1, self.chunk // 2))
            end = self.dispatched = self._feed(first, stop) if first < stop else first
        failed = 0
        while self.k < stop:
            index = self.k
            if first <= index < end and any(self.in_flight):
                while self._gather(block=False):
                    pass
            outcome = self.pending.pop(index, None)
            if outcome is not None:
                bad = self._settle(outcome)
            else:
                bad = True
                self.in_order += 1
                self._run_inline(index)
            failed += bad and first <= index < end
        return first < end and 4 * failed < end - first

    def _settle(self, outcome: Outcome) -> bool:
        """Validate the outcome of tx ``k``; finalize it or re-execute it. True if invalid."""
        begin = self.clock()
        sk = first_conflict(outcome, self.mv, self.base)
        self.validate_ns += self.clock() - begin
        if sk is None:
            if outcome.error is not None:
                raise TaskFailed(outcome.index) from outcome.error
            self._finalize(
                outcome.index, outcome.incarnation, outcome.writes, outcome.output, self.origin[outcome.index]
            )
            return False
        self.conflicts[sk] += 1
        self.shipping = True
        self._run_inline(outcome.index)
        return True

    def _run_inline(self, index: int) -> None:
        """Execute tx ``index`` (all lower txs final) over the final writes: valid by construction."""
        incarnation = self.started[index]
        self.started[index] += 1
        view = TrackedView(index, self.base, self.mv)
        try:
            output = self.runner.run(self.tasks[index], self.context, view)
        except Exception as exc:
            raise TaskFailed(index) from exc
        self._finalize(index, incarnation, view.writes, output, -1)

    def _finalize(
        self, index: int, incarnation: int, writes: dict[StoreKey, bytes | None], output: Any, origin: int
    ) -> None:
        """Tx ``index`` is final with these writes; ``origin`` ran it (-1: the coordinator)."""
        assert index == self.k
        self.mv.record(index, incarnation, writes)
        if not self.unshipped or self.unshipped[-1][0] != origin:
            self.unshipped.append((origin, []))
        self.unshipped[-1][1].append((index, incarnation, writes))
        self.outputs[index] = output
        self.k += 1

    def stats(self, elapsed_ns: int) -> BlockStats:
        incarnations = sum(self.started)
        top = sorted(self.conflicts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        return BlockStats(
            tasks=self.n,
            incarnations=incarnations,
            re_executions=incarnations - self.n,
            rounds=self.rounds,
            fallback_used=self.fallback,
            in_order_txs=self.in_order,
            execute_ms=elapsed_ns // 1_000_000,
            validate_ms=self.validate_ns // 1_000_000,
            conflict_keys=tuple(((store, key.hex()), count) for (store, key), count in top),
        )
