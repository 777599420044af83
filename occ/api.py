"""Interfaces of the OCC scheduler. ``occ`` schedules opaque tasks; it knows no VM."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NewType, Protocol

from store.api import ChangeSet, KVView, ReadView

TxIndex = NewType("TxIndex", int)
Incarnation = NewType("Incarnation", int)


class TaskRunner(Protocol):
    """Executes one task. Must be picklable and a pure function of (task, context, view):
    no clock, randomness or I/O besides the view. Its return value is opaque to ``occ`` and
    must be picklable; the scheduler returns the final incarnation's value unchanged."""

    def run(self, task: Any, context: Any, view: KVView) -> Any: ...


@dataclass(frozen=True)
class BlockStats:
    """What the scheduler did for one block."""

    tasks: int = 0
    incarnations: int = 0
    re_executions: int = 0
    rounds: int = 0
    fallback_used: bool = False
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
    """Runs a block's tasks over the state at ``base_version`` (read through ``base``).

    Guarantee: ``outputs`` and ``changeset`` equal those of running the tasks one by one in
    block order over ``base``, whatever the worker count or timing.
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
