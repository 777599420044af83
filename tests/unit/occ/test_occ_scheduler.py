"""``OccScheduler`` policy: rounds, bursts, fallback, stats and the conflict report."""

from __future__ import annotations

from typing import Any

from occ.executors import InProcessExecutor, SerialExecutor
from occ.memory import MemoryView
from occ.scheduler import OccScheduler
from store.api import KVView

BASE = MemoryView({"bank": {b"hot": b"0"}})


class Counter:
    """Task ``k`` adds one to ``bank/<k>`` and returns the new value."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        n = int(view.get("bank", task) or b"0") + 1
        view.set("bank", task, str(n).encode())
        return n


def execute(scheduler: Any, tasks: list[bytes]) -> Any:
    return scheduler.execute_block(tasks, None, BASE, 1, Counter())


def test_independent_tasks_take_one_round_without_re_execution() -> None:
    tasks = [b"k%d" % i for i in range(100)]
    schedule = execute(OccScheduler(InProcessExecutor(2)), tasks)
    assert schedule.outputs == (1,) * 100
    s = schedule.stats
    assert (s.tasks, s.incarnations, s.re_executions, s.rounds, s.in_order_txs) == (100, 100, 0, 1, 0)
    assert not s.fallback_used and s.conflict_keys == ()


def test_a_hot_key_is_reported_and_switches_to_in_order_execution() -> None:
    tasks = [b"hot"] * 200 + [b"cold%d" % i for i in range(4)]
    schedule = execute(OccScheduler(InProcessExecutor(2), chunk_size=8), tasks)
    serial = execute(SerialExecutor(), tasks)
    assert schedule.outputs == serial.outputs and schedule.changeset == serial.changeset
    s = schedule.stats
    assert s.in_order_txs > 100 and s.rounds >= 1
    assert s.conflict_keys[0][0] == ("bank", b"hot".hex()) and s.conflict_keys[0][1] > 1
    assert s.re_executions < 70  # without burst detection nearly every task would run twice


def test_speculation_resumes_after_a_hot_stretch() -> None:
    tasks = [b"hot"] * 150 + [b"k%d" % i for i in range(600)]
    schedule = execute(OccScheduler(InProcessExecutor(2), chunk_size=4), tasks)
    assert schedule.outputs == tuple(range(1, 151)) + (1,) * 600
    s = schedule.stats
    assert s.rounds >= 2 and not s.fallback_used
    assert s.in_order_txs < 400  # most of the cold stretch ran on the workers


def test_after_max_rounds_the_rest_runs_in_order() -> None:
    tasks = [b"hot"] * 150 + [b"k%d" % i for i in range(600)]
    schedule = execute(OccScheduler(InProcessExecutor(2), max_rounds=1, chunk_size=4), tasks)
    assert schedule.outputs == tuple(range(1, 151)) + (1,) * 600
    s = schedule.stats
    assert s.fallback_used and s.rounds == 1 and s.in_order_txs > 400


def test_empty_block() -> None:
    schedule = execute(OccScheduler(InProcessExecutor(2)), [])
    assert schedule.outputs == () and len(schedule.changeset) == 0


def test_timings_come_from_the_injected_clock() -> None:
    ticks = iter(range(0, 10**12, 1_000_000))
    schedule = execute(OccScheduler(InProcessExecutor(1), clock=lambda: next(ticks)), [b"a", b"b"])
    assert schedule.stats.execute_ms > 0
