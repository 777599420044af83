"""Executors: the segment protocol (``submit`` a segment, ``collect`` its outcomes in
batches) of simulated and real workers; a worker crash fails the executor's block loudly,
the scheduler then runs the block serially and the pool restarts; runner exceptions
surface as ``TaskFailed`` of the lowest failing task, as in serial execution; large
messages never deadlock."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from occ.api import Batch, Outcome, RemoteTaskError, TaskFailed, WorkerCrashed
from occ.executors import InProcessExecutor, ProcessPoolExecutor, SerialExecutor
from occ.memory import MemoryOpener, MemoryView
from occ.planner import Costs, Planner
from occ.scheduler import OccScheduler
from store.api import KVView

STATE = {"bank": {b"n": b"0"}}
OPENER = MemoryOpener({1: STATE})
BASE = MemoryView(STATE)


class Runner:
    """Adds one to ``bank/n``; task "crash" kills its worker process, "raise" raises, and
    "unpicklable" raises an exception holding a lock."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        if task == "crash" and multiprocessing.parent_process() is not None:
            os._exit(3)
        if task == "raise":
            raise ValueError("bad task")
        if task == "unpicklable":
            raise ValueError(threading.Lock())
        n = int(view.get("bank", b"n") or b"0") + 1
        view.set("bank", b"n", str(n).encode())
        return n


class Segments:
    """Task ``(k, v)`` returns what ``bank/<k>`` held and sets it to ``v``; ``"raise"``
    writes ``bank/r`` then raises."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        if task == "raise":
            view.set("bank", b"r", b"dropped")
            raise ValueError("bad task")
        old = view.get("bank", task[0])
        view.set("bank", task[0], task[1])
        return old


@dataclass(frozen=True)
class BrokenOpener:
    def open(self) -> Any:
        raise OSError("state store unavailable")


def execute(scheduler: Any, tasks: list[Any]) -> Any:
    return scheduler.execute_block(tasks, None, BASE, 1, Runner())


#: Workers take the whole block (``n // workers`` txs each) ...
ALL = Costs(own=1000, speculative=0, settle=0)
#: ... or a part of it, the coordinator executing the first txs itself.
PART = Costs()


def occ_scheduler(executor: ProcessPoolExecutor, costs: Costs = ALL) -> OccScheduler:
    return OccScheduler(executor, planner=Planner(costs, min_segment=1))


@pytest.fixture
def pool() -> Iterator[ProcessPoolExecutor]:
    executor = ProcessPoolExecutor(OPENER, workers=2)
    executor.start()
    try:
        yield executor
    finally:
        executor.close()


def collect_all(executor: Any, segments: int) -> list[Batch]:
    batches = []
    while segments:
        batch = executor.collect()
        batches.append(batch)
        segments -= batch.last
    return batches


def check_segment_protocol(executor: Any) -> list[Batch]:
    """Two segments (txs 3-7 and 8-10) over ``STATE``, batches of 2."""
    first = [(b"n", b"1"), (b"n", b"2"), "raise", (b"r", b"x"), (b"n", b"3")]
    second = [(b"n", b"9"), (b"r", b"y"), (b"n", b"10")]
    executor.begin_block(Segments(), None, BASE, 1)
    executor.submit(0, (3, first), 2)
    executor.submit(1, (8, second), 2)
    batches = collect_all(executor, 2)
    by_worker = {w: [b for b in batches if b.worker == w] for w in (0, 1)}
    assert [len(b.outcomes) for b in by_worker[0]] == [2, 2, 1]
    assert [b.last for b in by_worker[0]] == [False, False, True]
    assert [len(b.outcomes) for b in by_worker[1]] == [2, 1]
    outcomes = {w: [o for b in by_worker[w] for o in b.outcomes] for w in (0, 1)}
    for o in outcomes[0] + outcomes[1]:
        assert isinstance(o, Outcome)
    assert [o.index for o in outcomes[0]] == [3, 4, 5, 6, 7]
    assert [o.index for o in outcomes[1]] == [8, 9, 10]
    # Each segment runs over the base plus its own earlier writes, never another segment's;
    # a tx that raised reports no writes and its writes are unseen by later txs.
    assert [o.output for o in outcomes[0]] == [b"0", b"1", None, None, b"2"]
    assert [o.output for o in outcomes[1]] == [b"0", None, b"9"]
    failed = outcomes[0][2]
    assert isinstance(failed.error, ValueError) and failed.writes == {}
    assert outcomes[0][3].reads == (("bank", b"r"),) and outcomes[0][3].writes == {("bank", b"r"): b"x"}
    assert outcomes[0][1].reads == (("bank", b"n"),) and outcomes[0][1].ranges == ()
    assert outcomes[0][1].writes == {("bank", b"n"): b"2"}
    return batches


def test_simulated_workers_follow_the_segment_protocol_in_turn() -> None:
    executor = InProcessExecutor(2)
    assert executor.collect(block=False) is None
    with pytest.raises(RuntimeError):
        executor.collect()
    batches = check_segment_protocol(executor)
    assert [b.worker for b in batches] == [0, 1, 0, 1, 0]  # served in turn, one batch each
    assert executor.collect(block=False) is None


@pytest.mark.timeout(120)
def test_worker_processes_follow_the_segment_protocol(pool: ProcessPoolExecutor) -> None:
    batches = check_segment_protocol(pool)
    assert all(b.busy_ns > 0 for b in batches)  # measured by the workers
    assert pool.collect(block=False) is None
    with pytest.raises(RuntimeError):
        pool.collect()


@pytest.mark.timeout(120)
def test_a_worker_crash_mid_block_runs_the_block_serially_and_the_pool_restarts(pool: ProcessPoolExecutor) -> None:
    occ = occ_scheduler(pool)
    pids = [proc.pid for proc in pool._procs]
    crashed = execute(occ, ["a", "crash", "b", "c"])  # worker 0 runs "a", "crash" and dies
    serial = execute(SerialExecutor(), ["a", "crash", "b", "c"])
    assert (crashed.outputs, crashed.changeset) == (serial.outputs, serial.changeset) == ((1, 2, 3, 4),
                                                                                          serial.changeset)
    assert crashed.stats.in_order_fallback and crashed.stats.speculated_txs == 0
    with pytest.raises(WorkerCrashed, match="exited with code 3|connection lost"):
        pool.collect()  # the executor itself still reports the crash
    schedule = execute(occ, ["a", "b", "c"])
    assert schedule.outputs == (1, 2, 3)
    assert schedule.stats.speculated_txs == 2  # the new pool ran part of it
    assert schedule.changeset == execute(SerialExecutor(), ["a", "b", "c"]).changeset
    assert not set(pids) & {proc.pid for proc in pool._procs}


@pytest.mark.timeout(120)
def test_a_worker_that_cannot_open_the_state_fails_the_start_and_the_block_runs_serially() -> None:
    executor = ProcessPoolExecutor(BrokenOpener(), workers=1)
    with pytest.raises(WorkerCrashed, match="state store unavailable"):
        executor.start()  # the pool starts only with workers that opened the state
    with pytest.raises(WorkerCrashed, match="state store unavailable"):
        executor.begin_block(Runner(), None, BASE, 1)  # nor does a block run on them
    schedule = execute(occ_scheduler(executor), ["a", "b"])  # the scheduler runs it serially
    assert schedule.outputs == (1, 2) and schedule.stats.in_order_fallback and schedule.stats.speculated_txs == 0
    executor.close()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("costs", [ALL, PART], ids=["workers", "coordinator-too"])
@pytest.mark.parametrize(
    "tasks",
    [
        ["a", "raise", "b", "raise"],
        ["raise"],
        ["a", "b", "a", "unpicklable"],
        ["a", "b", "c", "d", "e", "raise", "f", "raise"],
        ["raise"] + ["a"] * 30,
    ],
)
def test_runner_exceptions_match_serial(pool: ProcessPoolExecutor, costs: Costs, tasks: list[str]) -> None:
    occ = occ_scheduler(pool, costs)
    with pytest.raises(TaskFailed) as serial:
        execute(SerialExecutor(), tasks)
    with pytest.raises(TaskFailed) as parallel:
        execute(occ, tasks)
    assert parallel.value.index == serial.value.index
    cause = parallel.value.__cause__
    if tasks[-1] == "unpicklable":  # raised on a worker: stands in for the exception
        assert type(cause) is RemoteTaskError and "ValueError" in str(cause)
    else:
        assert type(cause) is ValueError and cause.args == ("bad task",)
    # The next block is unaffected (replies still due from this one are discarded).
    schedule = execute(occ, ["a"] * 12)
    assert schedule.outputs == tuple(range(1, 13)) and schedule.stats.speculated_txs > 0


def test_default_worker_count_is_the_cpu_count() -> None:
    assert ProcessPoolExecutor(OPENER).workers == multiprocessing.cpu_count()
    assert ProcessPoolExecutor(OPENER, workers=3).workers == 3
    assert os.cpu_count() == multiprocessing.cpu_count()


@pytest.mark.timeout(120)
def test_a_worker_that_died_between_blocks_is_replaced(pool: ProcessPoolExecutor) -> None:
    occ = occ_scheduler(pool)
    assert execute(occ, ["a", "b"]).stats.speculated_txs == 2
    for proc in pool._procs:
        proc.kill()
        proc.join()
    schedule = execute(occ, ["a", "b", "c", "d"])
    assert schedule.outputs == (1, 2, 3, 4) and schedule.stats.speculated_txs == 4
    assert all(proc.is_alive() for proc in pool._procs)


class BigRunner:
    """Large tasks and context in, large writes and outputs out; tasks 0 and 1 (and the
    first txs of each worker's segment) share a key, so some outcomes are re-executed."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        index, payload = task
        if index == "raise":
            raise ValueError("bad task")
        assert len(context) == 3_000_000 and len(payload) == 500_000
        if index % 10 < 2:
            view.set("bank", b"n", (view.get("bank", b"n") or b"") + b"+")
        view.set("bank", b"big%d" % index, bytes([index % 256]) * 1_000_000)
        return bytes([index % 256]) * 2_000_000


@pytest.mark.timeout(180)
@pytest.mark.parametrize("costs", [ALL, PART], ids=["workers", "coordinator-too"])
def test_large_messages_both_ways_do_not_deadlock(pool: ProcessPoolExecutor, costs: Costs) -> None:
    occ = occ_scheduler(pool, costs)
    context = b"c" * 3_000_000
    tasks = [(i, bytes([i]) * 500_000) for i in range(40)]
    # A block that fails at once, leaving the workers' large replies unread ...
    with pytest.raises(TaskFailed):
        occ.execute_block([("raise", b"")] + tasks, context, BASE, 1, BigRunner())
    # ... then large blocks, whose messages cross those replies.
    for _ in range(2):
        want = SerialExecutor().execute_block(tasks, context, BASE, 1, BigRunner())
        got = occ.execute_block(tasks, context, BASE, 1, BigRunner())
        assert got.outputs == want.outputs and got.changeset == want.changeset
        assert got.stats.speculated_txs > 0 and got.stats.re_executions > 0


def test_start_twice_keeps_one_pool() -> None:
    executor = ProcessPoolExecutor(OPENER, workers=2)
    executor.start()
    try:
        procs = list(executor._procs)
        executor.start()
        assert executor.workers == 2 and executor._procs == procs
        assert all(proc.is_alive() for proc in procs)
    finally:
        executor.close()
    assert not any(proc.is_alive() for proc in procs)


def test_serial_executor_is_the_reference() -> None:
    schedule = execute(SerialExecutor(), ["a", "b", "c"])
    assert schedule.outputs == (1, 2, 3)
    assert schedule.changeset.changes == {"bank": ((b"n", b"3"),)}
    s = schedule.stats
    assert (s.tasks, s.executions, s.in_order_txs, s.speculated_txs, s.worker_segments) == (3, 3, 3, 0, 0)
    with pytest.raises(TaskFailed) as failed:
        execute(SerialExecutor(), ["a", "raise", "raise"])
    assert failed.value.index == 1 and isinstance(failed.value.__cause__, ValueError)


class SlowInWorkers:
    """Adds one to ``bank/n``; in a worker process each task first sleeps ``context``
    seconds (a worker that stalls, e.g. paged out or still importing)."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        if multiprocessing.parent_process() is not None:
            time.sleep(context)
        return Runner().run(task, None, view)


def test_a_stalled_worker_is_not_waited_for_and_its_segment_is_cut_short(pool: ProcessPoolExecutor) -> None:
    costs = Costs(own=1000, speculative=1000, settle=0)  # the stall timeout: about 5 ms
    scheduler = OccScheduler(pool, planner=Planner(costs, min_segment=1), clock=time.perf_counter_ns)
    tasks = ["t"] * 40
    begin = time.perf_counter()
    schedule = scheduler.execute_block(tasks, 0.5, BASE, 1, SlowInWorkers())
    took = time.perf_counter() - begin
    assert schedule.outputs == tuple(range(1, 41))  # the serial result
    s = schedule.stats
    assert s.in_order_fallback and s.speculated_txs > 0 and s.in_order_txs == 40
    assert took < 1.0  # far less than one worker task (0.5 s) per tx of its segment
    # Cancelled, the workers drop the rest of their segments (about 10 s of sleeps each)
    # once their current task ends: a block after that gets their outcomes again.
    time.sleep(0.6)
    begin = time.perf_counter()
    schedule = scheduler.execute_block(tasks, 0.0, BASE, 1, SlowInWorkers())
    assert schedule.outputs == tuple(range(1, 41)) and not schedule.stats.in_order_fallback
    assert time.perf_counter() - begin < 1.0


def test_poll_takes_in_replies_while_the_coordinator_is_busy(pool: ProcessPoolExecutor) -> None:
    pool.begin_block(Runner(), None, BASE, 1)
    pool.submit(0, (0, ["t"] * 64), 8)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pool.poll()  # drains the pipe without decoding: the worker never blocks on it
        if len(pool._arrived[0]) == 8:
            break
    assert len(pool._arrived[0]) == 8
    batches = [pool.collect() for _ in range(8)]
    assert [o.index for b in batches for o in b.outcomes] == list(range(64))
    assert batches[-1].last and not any(b.last for b in batches[:-1])
    assert pool.collect(block=False) is None
