"""FinalizeBlock's computation: block context, scheduled execution, end-of-block work.

Pure with respect to its inputs (request fields, base state, config): no clock, no I/O
beyond reading the base view. The outcome is staged by the app; Commit persists it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from abci_app.module_api import BlockInfo, Module, ValidatorUpdate
from abci_app.runner import AppTaskRunner, BlockTask
from ledger import bank
from ledger.addresses import FEE_COLLECTOR
from ledger.context import BlockContext
from ledger.encoding import decode_uint
from ledger.overlay import Overlay
from ledger.results import Event, TxResult
from occ.api import BlockStats, Scheduler
from store.api import ChangeSet, ReadView

PARAMS = "params"
KEY_MAX_GAS = b"block_max_gas"
KEY_BASE_FEE = b"evm_base_fee"
DEFAULT_MAX_GAS = 100_000_000
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


def block_gas_limit(view: ReadView) -> int:
    return decode_uint(view.get(PARAMS, KEY_MAX_GAS)) or DEFAULT_MAX_GAS


def base_fee(view: ReadView) -> int:
    return decode_uint(view.get(PARAMS, KEY_BASE_FEE))


def make_context(
    view: ReadView, *, height: int, time_ns: int, chain_id: str, evm_chain_id: int, proposer: bytes, block_hash: bytes
) -> BlockContext:
    return BlockContext(
        height=height,
        time_ns=time_ns,
        chain_id=chain_id,
        evm_chain_id=evm_chain_id,
        proposer=proposer,
        block_hash=block_hash,
        gas_limit=block_gas_limit(view),
        base_fee_wei=base_fee(view),
    )


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
