"""OCC equals serial execution: random blocks of synthetic tasks (reads, writes, deletes,
forward and reverse range iterations, failure results and exceptions; conflict rates from
none to every task on one key) give the same outputs, change set and failure as
``SerialExecutor``, for 1 to 4 workers (plus the coordinator, which executes too), with
real worker processes and with simulated ones, whatever the split of the block.

A task is ``(checks, body)``: ``checks`` are reads then an optional ``("fail", m)`` or
``("raise", m)`` that fires when the digest of everything read so far is divisible by ``m``
(a failure result with no writes, or an exception); ``body`` mixes reads and writes, some
writes made only when what was read says so. Written values derive from everything read
before, so any stale read shows in outputs or changes.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count, islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from occ.api import Scheduler, TaskFailed
from occ.executors import InProcessExecutor, ProcessPoolExecutor, SerialExecutor
from occ.memory import MemoryView
from occ.planner import Costs, Planner
from occ.scheduler import OccScheduler
from store.api import KVView

STORES = ("acc", "bank")


class SyntheticRunner:
    """A picklable ``TaskRunner`` for synthetic tasks."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        checks, body = task
        acc = hashlib.blake2b(repr(context).encode(), digest_size=8)
        trace: list[Any] = []
        for op in checks:
            if op[0] == "fail":
                if acc.digest()[0] % op[1] == 0:
                    return ("failed", tuple(trace))
            elif op[0] == "raise":
                if acc.digest()[0] % op[1] == 0:
                    raise ValueError("synthetic failure", acc.hexdigest())
            else:
                self._op(op, view, acc, trace)
        for op in body:
            self._op(op, view, acc, trace)
        return ("ok", acc.hexdigest(), tuple(trace))

    @staticmethod
    def _op(op: tuple[Any, ...], view: KVView, acc: Any, trace: list[Any]) -> None:
        kind = op[0]
        if kind == "get":
            value = view.get(op[1], op[2])
            trace.append(value)
            acc.update(b"-" if value is None else value)
        elif kind == "set":
            view.set(op[1], op[2], acc.digest()[:3] + op[2])
        elif kind == "setif":  # a write set that depends on what was read
            if acc.digest()[1] % 2:
                view.set(op[1], op[2], acc.digest()[:3] + op[2])
        elif kind == "del":
            view.delete(op[1], op[2])
        else:
            _, store, start, end, reverse, limit = op
            items = tuple(islice(view.iterate(store, start, end, reverse), limit or None))
            trace.append(items)
            acc.update(repr(items).encode())


@dataclass(frozen=True)
class FileOpener:
    """A ``StateOpener`` reading version ``v`` from ``<directory>/<v>.pickle``."""

    directory: str

    def open(self) -> FileReader:
        return FileReader(Path(self.directory))


class FileReader:
    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def view(self, version: int) -> MemoryView:
        return MemoryView(pickle.loads((self._directory / f"{version}.pickle").read_bytes()))

    def close(self) -> None:
        pass


@st.composite
def blocks(draw: st.DrawFn) -> tuple[list[Any], dict[str, dict[bytes, bytes]]]:
    nkeys = draw(st.sampled_from([1, 2, 4, 16, 64]))
    keys = [b"k%02d" % i for i in range(nkeys)]
    key = st.sampled_from(keys)
    store = st.sampled_from(STORES)
    bound = st.none() | st.sampled_from(keys + [b"k", b"k9"])
    iterate = st.tuples(st.just("iter"), store, bound, bound, st.booleans(), st.integers(0, 4)).map(
        lambda op: (
            op if op[2] is None or op[3] is None or op[2] <= op[3] else (*op[:2], op[3], op[2], *op[4:])
        )
    )
    read = st.tuples(st.just("get"), store, key) | iterate
    write = st.tuples(st.sampled_from(["set", "set", "del", "setif"]), store, key)
    check = (
        st.none()
        | st.tuples(st.just("fail"), st.integers(1, 4))
        | st.tuples(st.just("raise"), st.integers(2, 40))
    )
    task = st.tuples(
        st.tuples(st.lists(read, max_size=2), check).map(lambda rc: rc[0] + ([rc[1]] if rc[1] else [])),
        st.lists(read | write | write, max_size=6),
    )
    tasks = draw(st.lists(task, max_size=40))
    base = {s: {k: b"base" + k for k in keys if draw(st.booleans())} for s in STORES}
    return tasks, base


def run(scheduler: Scheduler, tasks: list[Any], base: dict[str, Any], version: int) -> Any:
    try:
        schedule = scheduler.execute_block(tasks, 7, MemoryView(base), version, SyntheticRunner())
    except TaskFailed as failed:
        cause = failed.__cause__
        return ("failed", failed.index, type(cause), getattr(cause, "args", None))
    return ("ok", schedule.outputs, schedule.changeset)


@pytest.fixture(scope="module")
def pools(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[int, ProcessPoolExecutor]]]:
    directory = tmp_path_factory.mktemp("occ-versions")
    executors = {w: ProcessPoolExecutor(FileOpener(str(directory)), workers=w) for w in (1, 2, 3, 4)}
    for executor in executors.values():
        executor.start()
    yield directory, executors
    for executor in executors.values():
        executor.close()


_versions = count(1)

#: Cost models giving every kind of split: workers get most of the block, about half, or
#: only a probe (as after a burst of conflicts).
COSTS = st.sampled_from(
    [
        Costs(),
        Costs(own=1000, speculative=100, settle=0),
        Costs(invalid_permille=1000),
        Costs(own=10, speculative=1000),
    ]
)


def scheduler(executor: Any, costs: Costs) -> OccScheduler:
    return OccScheduler(executor, planner=Planner(costs, min_segment=1, probe_share=4))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block=blocks(), costs=COSTS)
def test_process_pool_equals_serial(
    pools: tuple[Path, dict[int, ProcessPoolExecutor]], block: Any, costs: Costs
) -> None:
    directory, executors = pools
    tasks, base = block
    version = next(_versions)
    (directory / f"{version}.pickle").write_bytes(pickle.dumps(base))
    expected = run(SerialExecutor(), tasks, base, version)
    for workers, executor in executors.items():
        assert run(scheduler(executor, costs), tasks, base, version) == expected, f"{workers} workers"


@settings(max_examples=200, deadline=None)
@given(block=blocks(), costs=COSTS)
def test_simulated_workers_equal_serial(block: Any, costs: Costs) -> None:
    tasks, base = block
    expected = run(SerialExecutor(), tasks, base, 1)
    for workers in (1, 2, 3, 4):
        assert run(scheduler(InProcessExecutor(workers), costs), tasks, base, 1) == expected, (
            f"{workers} workers"
        )
