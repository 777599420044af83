"""Executors: worker crashes fail the block loudly and the pool restarts; runner exceptions
surface as ``TaskFailed`` of the lowest failing task, as in serial execution."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from occ.api import RemoteTaskError, TaskFailed, WorkerCrashed
from occ.executors import ProcessPoolExecutor, SerialExecutor
from occ.memory import MemoryOpener, MemoryView
from occ.scheduler import OccScheduler
from store.api import KVView

STATE = {"bank": {b"n": b"0"}}
OPENER = MemoryOpener({1: STATE})


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


@dataclass(frozen=True)
class BrokenOpener:
    def open(self) -> Any:
        raise OSError("state store unavailable")


def execute(scheduler: Any, tasks: list[Any]) -> Any:
    return scheduler.execute_block(tasks, None, MemoryView(STATE), 1, Runner())


@pytest.fixture
def occ() -> Iterator[OccScheduler]:
    with OccScheduler(ProcessPoolExecutor(OPENER, workers=2), chunk_size=1) as scheduler:
        yield scheduler


def test_a_worker_crash_fails_the_block_and_the_pool_restarts(occ: OccScheduler) -> None:
    with pytest.raises(WorkerCrashed, match="exited with code 3|connection lost"):
        execute(occ, ["a", "crash", "b", "c"])
    schedule = execute(occ, ["a", "b", "c"])
    assert schedule.outputs == (1, 2, 3)
    assert schedule.changeset == execute(SerialExecutor(), ["a", "b", "c"]).changeset


def test_a_worker_that_cannot_open_the_state_fails_the_block() -> None:
    with OccScheduler(ProcessPoolExecutor(BrokenOpener(), workers=1)) as occ:
        with pytest.raises(WorkerCrashed, match="state store unavailable"):
            execute(occ, ["a", "b"])


@pytest.mark.parametrize("tasks", [["a", "raise", "b", "raise"], ["raise"], ["a", "b", "a", "unpicklable"]])
def test_runner_exceptions_match_serial(occ: OccScheduler, tasks: list[str]) -> None:
    with pytest.raises(TaskFailed) as serial:
        execute(SerialExecutor(), tasks)
    with pytest.raises(TaskFailed) as parallel:
        execute(occ, tasks)
    assert parallel.value.index == serial.value.index
    cause = parallel.value.__cause__
    assert isinstance(cause, (ValueError, RemoteTaskError))
    if tasks[-1] != "unpicklable":
        assert type(cause) is ValueError and cause.args == ("bad task",)
    assert execute(occ, ["a"]).outputs == (1,)  # the next block is unaffected


def test_default_worker_count_is_the_cpu_count() -> None:
    assert ProcessPoolExecutor(OPENER).workers == multiprocessing.cpu_count()
    assert os.cpu_count() == multiprocessing.cpu_count()


def test_a_worker_that_died_between_blocks_is_replaced(occ: OccScheduler) -> None:
    assert execute(occ, ["a"]).outputs == (1,)
    for child in multiprocessing.active_children():
        child.kill()
        child.join()
    assert execute(occ, ["a", "b"]).outputs == (1, 2)


class BigRunner:
    """Writes and returns large values; tasks 0 and 1 share a key, so the block has a
    conflict early and the coordinator ships records (large too) with later chunks."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        if task < 2:
            view.set("bank", b"n", (view.get("bank", b"n") or b"") + b"+")
        view.set("bank", b"big%d" % task, bytes([task % 256]) * 1_000_000)
        return bytes([task % 256]) * 2_000_000


@pytest.mark.timeout(120)
def test_large_messages_both_ways_do_not_deadlock(occ: OccScheduler) -> None:
    tasks = list(range(40))
    base = MemoryView(STATE)
    want = SerialExecutor().execute_block(tasks, None, base, 1, BigRunner())
    got = occ.execute_block(tasks, None, base, 1, BigRunner())
    assert got.outputs == want.outputs and got.changeset == want.changeset


def test_start_twice_keeps_one_pool() -> None:
    executor = ProcessPoolExecutor(OPENER, workers=2)
    executor.start()
    executor.start()
    try:
        assert len(multiprocessing.active_children()) >= 2
        assert executor.workers == 2 and len(executor._procs) == 2
    finally:
        executor.close()
