"""``OccScheduler`` (with simulated workers): the split of the block, settling worker
segments in order (which outcomes are re-executed, and why), failures, stats, timings,
and the planner learning from the blocks it ran."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from occ.api import Batch, BlockStats, Schedule, Segment, TaskFailed
from occ.executors import InProcessExecutor, SerialExecutor
from occ.memory import MemoryView
from occ.planner import Costs, Planner
from occ.scheduler import OccScheduler
from store.api import KVView

BASE = MemoryView({"bank": {b"hot": b"0", b"g": b"base"}})

#: Costs under which workers take the whole block (``n // workers`` each).
FREE = Costs(own=1000, speculative=0, settle=0)
#: Costs under which one worker takes all but the first tx of a 3-tx block.
CHEAP = Costs(own=1000, speculative=100, settle=0)


class Counter:
    """Task ``k`` adds one to ``bank/<k>`` and returns the new value."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        n = int(view.get("bank", task) or b"0") + 1
        view.set("bank", task, str(n).encode())
        return n


def execute(scheduler: Any, tasks: list[Any], runner: Any = None) -> Schedule:
    return scheduler.execute_block(tasks, None, BASE, 1, runner or Counter())


def assert_same_as_serial(scheduler: Any, tasks: list[Any], runner: Any = None) -> Schedule | None:
    """The schedule equals serial execution's, or both fail at the same task the same way."""
    try:
        want = execute(SerialExecutor(), tasks, runner)
    except TaskFailed as serial:
        with pytest.raises(TaskFailed) as parallel:
            execute(scheduler, tasks, runner)
        assert parallel.value.index == serial.index
        cause, serial_cause = parallel.value.__cause__, serial.__cause__
        assert type(cause) is type(serial_cause) and cause.args == serial_cause.args  # type: ignore[union-attr]
        return None
    got = execute(scheduler, tasks, runner)
    assert got.outputs == want.outputs
    assert got.changeset == want.changeset
    return got


class Recording(InProcessExecutor):
    """Simulated workers that record what the scheduler asked of them."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self.blocks = 0
        self.submitted: list[tuple[int, int, list[Any], int]] = []

    def begin_block(self, runner: Any, context: Any, base: Any, base_version: int) -> None:
        self.blocks += 1
        super().begin_block(runner, context, base, base_version)

    def submit(self, worker: int, segment: Segment, batch: int) -> None:
        self.submitted.append((worker, segment[0], list(segment[1]), batch))
        super().submit(worker, segment, batch)


def test_independent_tasks_are_never_re_executed() -> None:
    tasks = [b"k%d" % i for i in range(100)]
    schedule = assert_same_as_serial(OccScheduler(InProcessExecutor(2)), tasks)
    assert schedule is not None and schedule.outputs == (1,) * 100
    s = schedule.stats
    # Default costs, 2 workers: 33 txs each, the coordinator keeps the first 34.
    assert (s.tasks, s.executions, s.re_executions, s.worker_segments) == (100, 100, 0, 2)
    assert (s.in_order_txs, s.speculated_txs) == (34, 66)
    assert not s.in_order_fallback and s.conflict_keys == ()


def test_the_coordinator_keeps_the_first_segment_and_each_worker_gets_a_later_one() -> None:
    executor = Recording(2)
    tasks = [b"k%d" % i for i in range(1000)]
    m = Planner().segment(1000, 2)
    own = 1000 - 2 * m
    execute(OccScheduler(executor), tasks)
    assert executor.blocks == 1
    assert [(w, first, segment) for w, first, segment, _ in executor.submitted] == [
        (0, own, tasks[own : own + m]),
        (1, own + m, tasks[own + m :]),
    ]
    for *_, batch in executor.submitted:
        assert 1 <= batch < m  # outcomes come in several replies


def test_a_block_too_small_to_split_runs_on_the_coordinator_alone() -> None:
    executor = Recording(2)
    schedule = assert_same_as_serial(OccScheduler(executor), [b"hot", b"a", b"hot"])
    assert schedule is not None and schedule.outputs == (1, 1, 2)
    assert executor.blocks == 0 and executor.submitted == []
    s = schedule.stats
    assert (s.worker_segments, s.speculated_txs, s.in_order_txs, s.executions) == (0, 0, 3, 3)


def test_a_hot_key_is_re_executed_in_order_and_reported() -> None:
    tasks = [b"hot"] * 200 + [b"cold%d" % i for i in range(4)]
    schedule = assert_same_as_serial(OccScheduler(InProcessExecutor(2)), tasks)
    assert schedule is not None and schedule.outputs == tuple(range(1, 201)) + (1,) * 4
    s = schedule.stats
    assert s.speculated_txs > 100 and s.worker_segments == 2
    # Every speculated hot tx read a key written below it; the cold ones are valid.
    assert s.re_executions == s.speculated_txs - 4 > 0
    assert s.executions == 204 + s.re_executions
    assert s.in_order_txs == 204 - s.speculated_txs + s.re_executions
    assert s.conflict_keys == ((("bank", b"hot".hex()), s.re_executions),)
    assert s.in_order_fallback  # a burst of invalid outcomes


def test_a_later_segment_sees_the_final_writes_of_earlier_segments() -> None:
    # 2 workers, 3 txs each: worker 0 writes x at tx 2, worker 1 reads it at tx 5; worker
    # 1 speculated over the base state (x absent), so tx 5 must be re-executed.
    scheduler = OccScheduler(InProcessExecutor(2), planner=Planner(FREE, min_segment=1))
    tasks = [b"a", b"b", b"x", b"c", b"d", b"x"]
    schedule = assert_same_as_serial(scheduler, tasks)
    assert schedule is not None and schedule.outputs == (1, 1, 1, 1, 1, 2)
    s = schedule.stats
    assert (s.speculated_txs, s.re_executions) == (6, 1)
    assert s.conflict_keys == ((("bank", b"x".hex()), 1),)


class Conditional:
    """Tasks: ``("set", k, v)``; ``("cond", g, k)`` writes ``k`` only while ``g`` holds its
    base value; ``("get", k)`` returns ``k``; ``("scan", start, end)`` returns that range."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        kind = task[0]
        if kind == "set":
            view.set("bank", task[1], task[2])
        elif kind == "cond":
            if view.get("bank", task[1]) == b"base":
                view.set("bank", task[2], b"written speculatively")
        elif kind == "get":
            return view.get("bank", task[1])
        elif kind == "scan":
            return list(view.iterate("bank", task[1], task[2]))
        return None


@pytest.mark.parametrize("reader", [("get", b"k"), ("scan", b"j", b"l")], ids=["get", "scan"])
def test_the_speculative_writes_of_an_invalid_tx_become_dirty(reader: Any) -> None:
    """Tx 1 (on the worker) read g before tx 0 changed it, so it wrote k speculatively and
    not when re-executed; tx 2, on the same worker, saw that k. Only the speculative write
    set says k may differ: the re-execution's is empty."""
    scheduler = OccScheduler(InProcessExecutor(1), planner=Planner(CHEAP, min_segment=1))
    tasks = [("set", b"g", b"changed"), ("cond", b"g", b"k"), reader]
    schedule = assert_same_as_serial(scheduler, tasks, Conditional())
    assert schedule is not None
    assert schedule.stats.speculated_txs == 2  # tx 1 and tx 2 ran on the worker
    assert schedule.outputs[2] in (None, [])  # k was never written
    assert schedule.stats.re_executions == 2


def test_a_valid_write_settles_the_key_for_later_txs_of_the_segment() -> None:
    """Tx 0 (the coordinator's) wrote k, so k starts dirty for the worker's segment; tx 1
    overwrote it without reading it (valid), so tx 2's read of k is valid too."""
    scheduler = OccScheduler(InProcessExecutor(1), planner=Planner(CHEAP, min_segment=1))
    tasks = [("set", b"k", b"1"), ("set", b"k", b"2"), ("get", b"k")]
    schedule = assert_same_as_serial(scheduler, tasks, Conditional())
    assert schedule is not None and schedule.outputs == (None, None, b"2")
    assert schedule.stats.speculated_txs == 2 and schedule.stats.re_executions == 0
    # Whereas a read of k before any write in the segment is invalid.
    tasks = [("set", b"k", b"1"), ("get", b"k"), ("set", b"k", b"2")]
    schedule = assert_same_as_serial(scheduler, tasks, Conditional())
    assert schedule is not None and schedule.outputs == (None, b"1", None)
    assert schedule.stats.re_executions == 1


def test_a_speculative_failure_that_serial_execution_does_not_meet_is_discarded() -> None:
    class RaiseWhileBase:
        """``("raise", g, k)`` raises while ``g`` holds its base value, else writes ``k``;
        ``("set", k, v)``; ``("get", k)`` returns ``k``."""

        def run(self, task: Any, context: Any, view: KVView) -> Any:
            if task[0] == "raise":
                if view.get("bank", task[1]) == b"base":
                    raise ValueError("stale read")
                view.set("bank", task[2], b"written")
            elif task[0] == "set":
                view.set("bank", task[1], task[2])
            else:
                return view.get("bank", task[1])
            return None

    scheduler = OccScheduler(InProcessExecutor(1), planner=Planner(CHEAP, min_segment=1))
    tasks = [("set", b"g", b"changed"), ("raise", b"g", b"k"), ("get", b"k")]
    schedule = assert_same_as_serial(scheduler, tasks, RaiseWhileBase())
    assert schedule is not None and schedule.outputs == (None, None, b"written")
    assert schedule.stats.speculated_txs == 2


class Failing:
    """Tasks: a key (adds one to it, as ``Counter``); ``("raise", msg)`` raises
    ``ValueError(msg)``; ``("raise_if", k, v)`` raises while ``k`` holds ``v``."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        if isinstance(task, bytes):
            return Counter().run(task, context, view)
        if task[0] == "raise":
            raise ValueError(task[1])
        if view.get("bank", task[1]) == task[2]:
            raise ValueError("raise_if", task[2])
        return "ok"


def failing_block(failures: dict[int, Any], n: int = 20) -> list[Any]:
    return [failures.get(i, b"hot" if i % 3 == 0 else b"k%d" % i) for i in range(n)]


# Default costs, 2 workers, 20 txs: the coordinator keeps txs 0-7, workers 8-13 and 14-19.
@pytest.mark.parametrize(
    "failures",
    [
        {2: ("raise", "own"), 9: ("raise", "worker 0"), 15: ("raise", "worker 1")},
        {7: ("raise", "last own")},
        {9: ("raise", "worker 0"), 15: ("raise", "worker 1")},
        {16: ("raise", "worker 1"), 19: ("raise", "later")},
        {8: ("raise", "first speculated")},
        {13: ("raise_if", b"hot", b"5")},  # only on the final state: fails on re-execution
        {10: ("raise_if", b"hot", b"0"), 17: ("raise", "after")},  # only speculatively
    ],
    ids=["own-first", "own-only", "worker-0", "worker-1", "segment-start", "re-execution", "stale-only"],
)
def test_task_failures_match_serial_execution(failures: dict[int, Any]) -> None:
    scheduler = OccScheduler(InProcessExecutor(2))
    assert Planner().segment(20, 2) == 6  # the split the cases are written for
    assert assert_same_as_serial(scheduler, failing_block(failures), Failing()) is None
    assert execute(scheduler, [b"a"]).outputs == (1,)  # the next block is unaffected


def test_empty_block() -> None:
    executor = Recording(2)
    scheduler = OccScheduler(executor)
    schedule = execute(scheduler, [])
    assert schedule.outputs == () and len(schedule.changeset) == 0
    assert schedule.stats == BlockStats()
    assert executor.blocks == 0 and scheduler.planner.costs == Costs()


def test_timings_come_from_the_injected_clock() -> None:
    ticks = iter(range(0, 10**12, 1_000_000))  # each reading is a millisecond later
    scheduler = OccScheduler(InProcessExecutor(2), clock=lambda: next(ticks))
    schedule = execute(scheduler, [b"k%d" % i for i in range(100)])
    s = schedule.stats
    assert s.speculated_txs > 0
    assert s.validate_ms == s.speculated_txs  # one reading before and after each settle
    assert s.execute_ms > s.validate_ms
    untimed = execute(OccScheduler(InProcessExecutor(2)), [b"k%d" % i for i in range(100)]).stats
    assert (untimed.execute_ms, untimed.validate_ms) == (0, 0)


#: Costs in the virtual clock's units (1000 ns per task).
UNIT_COSTS = Costs(own=1000, speculative=1100, settle=60)


class VirtualClock:
    """Time passes only while a task runs: 1000 ns per task."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


class Timed(InProcessExecutor):
    """Simulated workers that report 1100 ns of work per outcome."""

    def collect(self, block: bool = True, timeout: float | None = None) -> Batch | None:
        batch = super().collect(block)
        return None if batch is None else batch._replace(busy_ns=1100 * len(batch.outcomes))


class TimedCounter:
    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        self.clock.now += 1000
        return Counter().run(task, context, view)


def test_the_planner_learns_measured_costs_and_probes_after_a_burst_of_conflicts() -> None:
    clock = VirtualClock()
    scheduler = OccScheduler(Timed(1), planner=Planner(UNIT_COSTS), clock=clock)
    runner = TimedCounter(clock)
    hot, cold = [b"hot"] * 200, [b"k%d" % i for i in range(200)]

    first = execute(scheduler, hot, runner).stats
    assert first.speculated_txs == Planner(UNIT_COSTS).segment(200, 1) == 98
    assert first.re_executions == 98  # every worker outcome was invalid
    # Measured per tx: own 1000 ns, speculative 1100, settle 0 (no time passed), all
    # invalid; timings are averaged into the estimate, the conflict share taken at once.
    assert scheduler.planner.costs == Costs(own=1000, speculative=1100, settle=30, invalid_permille=1000)

    probe = execute(scheduler, cold, runner).stats
    assert probe.speculated_txs == 200 // 32 < first.speculated_txs
    assert probe.re_executions == 0

    assert scheduler.planner.costs.invalid_permille == 500  # eases by halves
    recovered = execute(scheduler, cold, runner).stats  # the probe found no conflicts
    assert recovered.speculated_txs > probe.speculated_txs
    assert scheduler.planner.costs.invalid_permille == 250


def test_calm_blocks_keep_the_split() -> None:
    clock = VirtualClock()
    scheduler = OccScheduler(Timed(1), planner=Planner(UNIT_COSTS), clock=clock)
    runner = TimedCounter(clock)
    for _ in range(3):
        s = execute(scheduler, [b"k%d" % i for i in range(200)], runner).stats
        assert 90 <= s.speculated_txs <= 98 and s.re_executions == 0
    assert scheduler.planner.costs.invalid_permille == 0


def test_without_a_clock_the_planner_learns_only_the_conflict_share() -> None:
    scheduler = OccScheduler(InProcessExecutor(1))
    first = execute(scheduler, [b"hot"] * 200).stats
    assert first.speculated_txs == 98 and first.re_executions == 98
    assert scheduler.planner.costs == replace(Costs(), invalid_permille=1000)
    assert execute(scheduler, [b"hot"] * 200).stats.speculated_txs == 200 // 32
