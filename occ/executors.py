"""Executors: ``SerialExecutor`` (the reference: tasks one by one, in block order) and the
two ``Executor``s ``OccScheduler`` drives: ``ProcessPoolExecutor`` (worker processes, real
parallelism) and ``InProcessExecutor`` (simulated workers in this process, for tests)."""

from __future__ import annotations

import multiprocessing
import pickle
from collections import deque
from collections.abc import Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, NoReturn

from occ.api import (
    BlockStats,
    Chunk,
    Outcome,
    Schedule,
    Shipment,
    TaskFailed,
    TaskRunner,
    WorkerCrashed,
    Writes,
)
from occ.runtime import paused_gc
from occ.view import OverlayView
from occ.worker import BLOCK, CHUNK, FATAL, PROTOCOL, STOP, ChunkRunner, worker_main
from store.api import ChangeSet, ReadView, StateOpener


def changeset_of(writes: Writes) -> ChangeSet:
    """Every key written in the block with its final value (None = delete)."""
    by_store: dict[str, dict[bytes, bytes | None]] = {}
    for (store, key), value in writes.items():
        by_store.setdefault(store, {})[key] = value
    return ChangeSet.from_writes(by_store)


class SerialExecutor:
    """A ``Scheduler`` that runs the tasks one by one over one overlay of the block's writes
    (with automatic garbage collection paused, as ``OccScheduler`` does).

    It is the oracle OCC must match: outputs in block order, and the change set of every key
    any task wrote, with its last value. A runner that raises stops the block with
    ``TaskFailed(index)`` from the runner's exception.
    """

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def execute_block(
        self, tasks: Sequence[Any], context: Any, base: ReadView, base_version: int, runner: TaskRunner
    ) -> Schedule:
        writes: Writes = {}
        view = OverlayView(base, writes)
        outputs = []
        with paused_gc():
            for index, task in enumerate(tasks):
                try:
                    outputs.append(runner.run(task, context, view))
                except Exception as exc:
                    raise TaskFailed(index) from exc
            changeset = changeset_of(writes)
        stats = BlockStats(tasks=len(tasks), incarnations=len(tasks), in_order_txs=len(tasks))
        return Schedule(tuple(outputs), changeset, stats)


class InProcessExecutor:
    """``workers`` simulated workers in this process. A chunk runs when collected, workers
    served in turn, so later chunks see only the records shipped with them: staleness and
    conflicts happen as with processes, deterministically."""

    def __init__(self, workers: int = 1) -> None:
        self._runners = [ChunkRunner(worker) for worker in range(workers)]
        self._queues: list[deque[tuple[list[Shipment], Chunk]]] = [deque() for _ in range(workers)]
        self._turn = 0

    @property
    def workers(self) -> int:
        return len(self._runners)

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def begin_block(self, runner: TaskRunner, context: Any, base: ReadView, base_version: int) -> None:
        for chunks, queue in zip(self._runners, self._queues, strict=True):
            queue.clear()
            chunks.begin(runner, context, base)

    def submit(self, worker: int, shipments: Sequence[Shipment], chunk: Chunk) -> None:
        self._queues[worker].append((list(shipments), list(chunk)))

    def collect(self, block: bool = True) -> tuple[int, list[Outcome]] | None:
        for step in range(self.workers):
            worker = (self._turn + step) % self.workers
            if self._queues[worker]:
                self._turn = worker + 1
                shipments, chunk = self._queues[worker].popleft()
                return worker, self._runners[worker].run(shipments, chunk)
        if not block:
            return None
        raise RuntimeError("collect() with nothing submitted")


class ProcessPoolExecutor:
    """Worker processes that read the base state themselves through ``state_opener`` (opened
    once per process; ``view(base_version)`` per block).

    Per block each worker gets the runner, context and base version once; then small
    messages: chunks of tasks plus the final writes shipped since its last message. A worker
    that dies or fails fails the block with ``WorkerCrashed``; the pool is restarted before
    the next block (also when a worker died between blocks). Replies still due from an
    earlier block are discarded. ``workers`` defaults to the number of CPUs (a node config
    knob); ``start_method`` is a ``multiprocessing`` one ("forkserver": safe beside the
    node's threads). Processes start in ``start()`` and stop in ``close()``.
    """

    def __init__(
        self, state_opener: StateOpener, workers: int | None = None, start_method: str = "forkserver"
    ) -> None:
        self._opener = state_opener
        self._workers = workers or multiprocessing.cpu_count()
        self._start_method = start_method
        self._procs: list[BaseProcess] = []
        self._conns: list[Connection] = []
        self._in_flight: list[int] = []  # chunks of the current block awaiting a reply
        self._stale: list[int] = []  # replies still due for earlier blocks: discarded
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
            proc = ctx.Process(target=worker_main, args=(child, self._opener, worker), daemon=True)
            proc.start()
            child.close()
            self._procs.append(proc)
            self._conns.append(parent)
        self._in_flight = [0] * self._workers
        self._stale = [0] * self._workers
        self._broken = False

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

    def submit(self, worker: int, shipments: Sequence[Shipment], chunk: Chunk) -> None:
        self._send(worker, pickle.dumps((CHUNK, (shipments, chunk)), PROTOCOL))
        self._in_flight[worker] += 1

    def collect(self, block: bool = True) -> tuple[int, list[Outcome]] | None:
        while True:
            busy = [w for w in range(self._workers) if self._in_flight[w] or self._stale[w]]
            if not busy:
                if not block:
                    return None
                raise RuntimeError("collect() with nothing submitted")
            waited = [self._conns[w] for w in busy] + [self._procs[w].sentinel for w in busy]
            ready = wait(waited, timeout=None if block else 0)
            if not ready:
                return None
            for worker in busy:
                if self._conns[worker] in ready:
                    kind, body = self._receive(worker)
                    if self._stale[worker]:
                        self._stale[worker] -= 1
                        continue
                    self._in_flight[worker] -= 1
                    return worker, [Outcome._make(o) for o in body]
                if self._procs[worker].sentinel in ready:
                    self._fail(worker, f"exited with code {self._procs[worker].exitcode}")

    def _receive(self, worker: int) -> tuple[int, Any]:
        try:
            kind, body = pickle.loads(self._conns[worker].recv_bytes())
        except (EOFError, OSError) as exc:
            self._fail(worker, f"connection lost ({exc!r}); exit code {self._procs[worker].exitcode}")
        if kind == FATAL:
            self._fail(worker, f"failed:\n{body}")
        return kind, body

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
