"""FinalizeBlock's computation: block context, scheduled execution, end-of-block work.

Pure with respect to its inputs (request fields, base state, config): no clock, no I/O
beyond reading the base view. The outcome is staged by the app; Commit persists it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from abci_app.application.runner import AppTaskRunner, BlockTask
from abci_app.module_api import BlockInfo, Module, ValidatorUpdate
from ledger import bank
from ledger.addresses import FEE_COLLECTOR
from ledger.context import BlockContext
from ledger.results import Event, TxResult
from occ.api import BlockStats, Scheduler
from store.api import ChangeSet, ReadView
from store.overlay import Overlay

NO_INFO = BlockInfo()


@dataclass(frozen=True)
class BlockOutcome:
    results: tuple[TxResult, ...]
    changeset: ChangeSet
    events: tuple[Event, ...]
    stats: BlockStats
    gas_used: int
    context: BlockContext
    validator_updates: tuple[ValidatorUpdate, ...] = ()


def execute_block(
    tasks: Sequence[BlockTask],
    ctx: BlockContext,
    base: ReadView,
    base_version: int,
    scheduler: Scheduler,
    runner: AppTaskRunner,
    modules: Sequence[Module],
    info: BlockInfo = NO_INFO,
) -> BlockOutcome:
    """Run the txs through the scheduler, then the end-of-block steps, in one change set."""
    schedule = scheduler.execute_block(list(tasks), ctx, base, base_version, runner)
    results: tuple[TxResult, ...] = tuple(schedule.outputs)
    after = Overlay(base)
    after.apply(schedule.changeset)
    events: list[Event] = []
    fees = sum(r.fee_wei for r in results)
    if fees:
        bank.set_wei_balance(after, FEE_COLLECTOR, bank.wei_balance(after, FEE_COLLECTOR) + fees)
    ordered = sorted(modules, key=lambda m: m.name)
    for module in ordered:
        if module.end_block is not None:
            events.extend(module.end_block(ctx, after, results, info))
    updates: list[ValidatorUpdate] = []
    for module in ordered:
        if module.validator_updates is not None:
            updates.extend(module.validator_updates(ctx, after))
    return BlockOutcome(
        results=results,
        changeset=ChangeSet.from_writes(after.writes()),
        events=tuple(events),
        stats=schedule.stats,
        gas_used=sum(r.gas_used for r in results),
        context=ctx,
        validator_updates=tuple(updates),
    )
