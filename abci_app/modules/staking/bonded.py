"""End of block for staking: unbonding maturity, then the bonded set and CometBFT's updates.

The bonded set is the ``max_validators`` non-jailed validators with power >= 1, by tokens
(descending), ties broken by operator address. ``validator_updates`` compares it with the
powers last sent to CometBFT (``L`` keys), moves the tokens of validators that enter or
leave between the pools, and returns one update per changed validator (power 0 for a
validator that leaves), sorted by consensus public key. CometBFT applies them two heights
later.
"""

from __future__ import annotations

from collections.abc import Sequence

from abci_app.module_api import BlockInfo, ValidatorUpdate
from abci_app.modules.staking import state
from abci_app.modules.staking.liveness import on_bonded
from abci_app.modules.staking.records import BOND_DENOM, BONDED, UNBONDED, UNBONDING, Validator
from ledger import bank
from ledger.addresses import BONDED_POOL, NOT_BONDED_POOL, VALOPER_PREFIX, to_bech32
from ledger.context import BlockContext
from ledger.results import Event, TxResult
from store.api import KVView


def end_block(ctx: BlockContext, view: KVView, results: Sequence[TxResult], info: BlockInfo) -> list[Event]:
    events: list[Event] = []
    for done, delegator, operator, amount in list(state.unbondings(view, ctx.time_ns)):
        bank.transfer(view, NOT_BONDED_POOL, delegator, BOND_DENOM, amount)
        state.delete_unbonding(view, done, delegator, operator)
        events.append(Event("complete_unbonding", (
            ("amount", f"{amount}{BOND_DENOM}"), ("validator", _valoper(operator)), ("delegator", _acc(delegator)),
        )))
    state.mature_redelegations(view, ctx.time_ns)
    for done, operator in state.due_validator_unbondings(view, ctx.time_ns):
        state.dequeue_validator_unbonding(view, done, operator)
        v = state.validator(view, operator)
        if v is not None and v.status == UNBONDING:
            state.put_validator(view, v.with_(status=UNBONDED))
    return events


def bonded_set(view: KVView) -> dict[bytes, Validator]:
    limit = state.params(view).max_validators
    ranked = sorted(
        (v for v in state.validators(view) if not v.jailed and v.power > 0),
        key=lambda v: (-v.tokens, v.operator),
    )
    return {v.operator: v for v in ranked[:limit]}


def validator_updates(ctx: BlockContext, view: KVView) -> list[ValidatorUpdate]:
    new = bonded_set(view)
    last = state.last_powers(view)
    updates = []
    for operator in sorted(set(new) | set(last)):
        v = new.get(operator) or state.validator(view, operator)
        if v is None:  # cannot happen: validators are never deleted
            continue
        power = v.power if operator in new else 0
        if operator in new and v.status != BONDED:
            _bond(ctx, view, v)
        elif operator not in new and v.status == BONDED:
            _unbond(ctx, view, v)
        if power != last.get(operator, 0):
            state.set_last_power(view, operator, power)
            updates.append(ValidatorUpdate("ed25519", v.pubkey, power))
    return sorted(updates, key=lambda u: u.pubkey)


def _bond(ctx: BlockContext, view: KVView, v: Validator) -> None:
    on_bonded(ctx, view, state.cons_address(v.pubkey))
    if v.status == UNBONDING:
        state.dequeue_validator_unbonding(view, v.unbonding_time_ns, v.operator)
    bank.transfer(view, NOT_BONDED_POOL, BONDED_POOL, BOND_DENOM, v.tokens)
    state.put_validator(view, v.with_(status=BONDED, unbonding_height=0, unbonding_time_ns=0))


def _unbond(ctx: BlockContext, view: KVView, v: Validator) -> None:
    done = ctx.time_ns + state.params(view).unbonding_time_ns
    bank.transfer(view, BONDED_POOL, NOT_BONDED_POOL, BOND_DENOM, v.tokens)
    state.put_validator(view, v.with_(status=UNBONDING, unbonding_height=ctx.height, unbonding_time_ns=done))
    state.queue_validator_unbonding(view, done, v.operator)


def _valoper(operator: bytes) -> str:
    return to_bech32(operator, VALOPER_PREFIX)


def _acc(addr: bytes) -> str:
    return to_bech32(addr)
