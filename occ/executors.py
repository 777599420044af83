"""Executors: ``SerialExecutor`` (the reference: tasks one by one, in block order) and the
two ``Executor``s ``OccScheduler`` drives: ``ProcessPoolExecutor`` (worker processes, real
parallelism) and ``InProcessExecutor`` (simulated workers in this process, for tests)."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, NoReturn

from occ.api import (
    Batch,
    BlockStats,
    Schedule,
    Segment,
    TaskFailed,
    TaskRunner,
    WorkerCrashed,
    Writes,
    as_outcome,
)
from occ.worker import BLOCK, CANCEL, FATAL, PROTOCOL, READY, SEGMENT, STOP, run_segment, worker_main
from store.api import ReadView, StateOpener
from store.gc_policy import GcPolicy
from store.overlay import Overlay, changeset_of


class SerialExecutor:
    """A ``Scheduler`` that runs the tasks one by one over one overlay of the block's writes
    (inside ``gc_policy.block()`` if a policy is given, as ``OccScheduler`` does).

    It is the oracle OCC must match: outputs in block order, and the change set of every key
    any task wrote, with its last value. A runner that raises stops the block with
    ``TaskFailed(index)`` from the runner's exception.
    """

    def __init__(self, gc_policy: GcPolicy | None = None) -> None:
        self._gc_policy = gc_policy

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def execute_block(
        self, tasks: Sequence[Any], context: Any, base: ReadView, base_version: int, runner: TaskRunner
    ) -> Schedule:
        writes: Writes = {}
        view = Overlay(base, writes)
        outputs = []
        policy = self._gc_policy
        with nullcontext() if policy is None else policy.block(len(tasks)):
            for index, task in enumerate(tasks):
                try:
                    outputs.append(runner.run(task, context, view))
                except Exception as exc:
                    raise TaskFailed(index) from exc
            changeset = changeset_of(writes)
        stats = BlockStats(tasks=len(tasks), executions=len(tasks), in_order_txs=len(tasks))
        return Schedule(tuple(outputs), changeset, stats)


class InProcessExecutor:
    """``workers`` simulated workers in this process: a segment runs one batch per
    ``collect``, workers served in turn, so outcomes arrive interleaved as with processes,
    deterministically."""

    def __init__(self, workers: int = 1) -> None:
        self._workers = workers
        self._segments: list[Iterator[tuple[list[tuple[Any, ...]], bool]] | None] = [None] * workers
        self._block: tuple[TaskRunner, Any, ReadView] | None = None
        self._turn = 0

    @property
    def workers(self) -> int:
        return self._workers

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def begin_block(self, runner: TaskRunner, context: Any, base: ReadView, base_version: int) -> None:
        self._segments = [None] * self._workers
        self._block = (runner, context, base)

    def submit(self, worker: int, segment: Segment, batch: int) -> None:
        assert self._block is not None, "begin_block() first"
        self._segments[worker] = run_segment(*self._block, segment[0], segment[1], batch)

    def cancel(self, worker: int) -> None:
        self._segments[worker] = None

    def poll(self) -> None:
        pass

    def collect(self, block: bool = True, timeout: float | None = None) -> Batch | None:
        for step in range(self._workers):
            worker = (self._turn + step) % self._workers
            segment = self._segments[worker]
            if segment is not None:
                self._turn = worker + 1
                outcomes, last = next(segment)
                if last:
                    self._segments[worker] = None
                return Batch(worker, list(map(as_outcome, outcomes)), last)
        if not block:
            return None
        raise RuntimeError("collect() with nothing submitted")


#: How long a starting worker may take to open the state and warm up.
READY_TIMEOUT_S = 120


class ProcessPoolExecutor:
    """Worker processes that read the base state themselves through ``state_opener`` (opened
    once per process; ``view(base_version)`` per block).

    Per block each worker gets the runner, context and base version once, then its segment
    of tasks in one message; it replies in batches of outcomes. A worker that dies or fails
    fails the block with ``WorkerCrashed``; the pool is restarted before the next block (also
    when a worker died between blocks). Replies still due from an earlier block (one that
    failed early) are discarded. ``workers`` defaults to the number of CPUs (a node config
    knob); ``start_method`` is a ``multiprocessing`` one ("forkserver": safe beside the
    node's threads). ``warm_up`` (picklable) runs once in each worker when it starts, e.g.
    to import what the runner needs so a block never waits on a worker's imports.
    Processes start in ``start()``, which returns once each has opened the state and warmed
    up (raising ``WorkerCrashed`` if one cannot), and stop in ``close()``, or as soon as
    this process dies, however it dies (``untrusted.lifeline``). ``gc_policy`` (picklable)
    drives each worker's garbage collector (``GcPolicy.between_segments``); without one the
    workers leave it alone.
    """

    def __init__(
        self,
        state_opener: StateOpener,
        workers: int | None = None,
        start_method: str = "forkserver",
        *,
        warm_up: Callable[[], object] | None = None,
        gc_policy: GcPolicy | None = None,
    ) -> None:
        self._opener = state_opener
        self._warm_up = warm_up
        self._gc_policy = gc_policy
        self._workers = workers or multiprocessing.cpu_count()
        self._start_method = start_method
        self._procs: list[BaseProcess] = []
        self._conns: list[Connection] = []
        self._in_flight: list[int] = []  # segments of the current block not fully replied
        self._stale: list[int] = []  # segments of earlier blocks not fully replied: discarded
        self._arrived: list[deque[bytes]] = []  # replies received, not yet collected
        self._broken = False

    @property
    def workers(self) -> int:
        return self._workers

    def start(self) -> None:
        if self._procs:
            return  # already started
        ctx = multiprocessing.get_context(self._start_method)
        for worker in range(self._workers):
            parent, child = ctx.Pipe(duplex=True)
            args = (child, self._opener, worker, self._warm_up, os.getpid(), self._gc_policy)
            proc = ctx.Process(target=worker_main, args=args, daemon=True)
            proc.start()
            child.close()
            self._procs.append(proc)
            self._conns.append(parent)
        self._in_flight = [0] * self._workers
        self._stale = [0] * self._workers
        self._arrived = [deque() for _ in range(self._workers)]
        self._broken = False
        for worker in range(self._workers):
            self._await_ready(worker)

    def _await_ready(self, worker: int) -> None:
        """Wait until the worker opened the state and warmed up (so no block waits on it)."""
        conn, proc = self._conns[worker], self._procs[worker]
        ready = wait([conn, proc.sentinel], timeout=READY_TIMEOUT_S)
        if conn in ready:
            try:
                kind, body = pickle.loads(conn.recv_bytes())
            except (EOFError, OSError) as exc:
                self._lost(worker, exc)
            if kind == FATAL:
                self._fail(worker, f"failed to start:\n{body}")
            if kind == READY:
                return
        if proc.sentinel in ready:
            self._fail(worker, f"exited with code {proc.exitcode} while starting")
        self._fail(worker, f"not ready after {READY_TIMEOUT_S} s")

    def close(self) -> None:
        stop = pickle.dumps((STOP, None), PROTOCOL)
        for conn in self._conns:
            try:
                conn.send_bytes(stop)
            except OSError:
                pass
        for proc in self._procs:
            proc.join(timeout=2)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for conn in self._conns:
            conn.close()
        self._procs, self._conns = [], []

    def begin_block(self, runner: TaskRunner, context: Any, base: ReadView, base_version: int) -> None:
        if self._broken or not self._procs or not all(proc.is_alive() for proc in self._procs):
            self.close()  # a crash in the last block, or a worker died since: restart the pool
            self.start()
        message = pickle.dumps((BLOCK, (runner, context, base_version)), PROTOCOL)
        for worker in range(self._workers):
            self._stale[worker] += self._in_flight[worker]
            self._in_flight[worker] = 0
            self._send(worker, message)

    def submit(self, worker: int, segment: Segment, batch: int) -> None:
        self._send(worker, pickle.dumps((SEGMENT, (segment[0], segment[1], batch)), PROTOCOL))
        self._in_flight[worker] += 1

    def cancel(self, worker: int) -> None:
        if self._in_flight[worker]:
            self._send(worker, pickle.dumps((CANCEL, None), PROTOCOL))

    def poll(self) -> None:
        for worker in self._busy():
            conn = self._conns[worker]
            try:
                while conn.poll():
                    self._arrived[worker].append(conn.recv_bytes())
            except (EOFError, OSError) as exc:
                self._lost(worker, exc)

    def collect(self, block: bool = True, timeout: float | None = None) -> Batch | None:
        while True:
            for worker in range(self._workers):
                while self._arrived[worker]:
                    batch = self._decode(worker, self._arrived[worker].popleft())
                    if batch is not None:
                        return batch
            busy = self._busy()
            if not busy:
                if not block:
                    return None
                raise RuntimeError("collect() with nothing submitted")
            waited = [self._conns[w] for w in busy] + [self._procs[w].sentinel for w in busy]
            ready = wait(waited, timeout=timeout if block else 0)
            if not ready:
                return None
            for worker in busy:
                if self._conns[worker] in ready:
                    try:
                        self._arrived[worker].append(self._conns[worker].recv_bytes())
                    except (EOFError, OSError) as exc:
                        self._lost(worker, exc)
                elif self._procs[worker].sentinel in ready:
                    self._fail(worker, f"exited with code {self._procs[worker].exitcode}")

    def _busy(self) -> list[int]:
        return [w for w in range(self._workers) if self._in_flight[w] or self._stale[w]]

    def _decode(self, worker: int, message: bytes) -> Batch | None:
        """The batch in a reply; None for a reply to an earlier block (discarded)."""
        begin = time.perf_counter_ns()
        kind, body = pickle.loads(message)
        if kind == FATAL:
            self._fail(worker, f"failed:\n{body}")
        outcomes, last, busy_ns = body
        if self._stale[worker]:
            self._stale[worker] -= last
            return None
        self._in_flight[worker] -= last
        outcomes = list(map(as_outcome, outcomes))
        return Batch(worker, outcomes, last, busy_ns, time.perf_counter_ns() - begin)

    def _lost(self, worker: int, exc: BaseException) -> NoReturn:
        self._fail(worker, f"connection lost ({exc!r}); exit code {self._procs[worker].exitcode}")

    def _send(self, worker: int, message: bytes) -> None:
        try:
            self._conns[worker].send_bytes(message)
        except OSError as exc:
            self._fail(worker, f"connection lost ({exc!r})")

    def _fail(self, worker: int, why: str) -> NoReturn:
        self._broken = True
        pid = self._procs[worker].pid
        for proc in self._procs:
            if proc.is_alive():
                proc.kill()
        raise WorkerCrashed(f"OCC worker {worker} (pid {pid}) {why}")
