"""The staking rules, shared by native messages and the EVM staking precompile.

Every function checks everything before its first write, so a rejected operation raises
``MsgError`` without touching the view. Tokens always move through ``ledger.bank``
between accounts and the two pool module accounts: a bonded validator's tokens sit in the
bonded pool; unbonded/unbonding validators' tokens and immature undelegations in the
not-bonded pool. Supply is therefore unchanged by staking (only slashing burns).
"""

from __future__ import annotations

from dataclasses import dataclass

from abci_app.module_api import MsgError
from abci_app.modules.staking import errors, rewards, state
from abci_app.modules.staking.errors import staking_error
from abci_app.modules.staking.records import BOND_DENOM, BONDED, DEC, Validator
from ledger import bank, codes
from ledger.addresses import BONDED_POOL, DISTRIBUTION, FEE_COLLECTOR, NOT_BONDED_POOL, to_bech32
from ledger.association import can_receive
from store.api import KVView

DAY_NS = 24 * 3600 * 10**9
MODULE_ACCOUNTS = frozenset({FEE_COLLECTOR, BONDED_POOL, NOT_BONDED_POOL, DISTRIBUTION})
DO_NOT_MODIFY = "[do-not-modify]"


def pool(v: Validator) -> bytes:
    return BONDED_POOL if v.status == BONDED else NOT_BONDED_POOL


def get_validator(view: KVView, operator: bytes) -> Validator:
    v = state.validator(view, operator)
    if v is None:
        raise staking_error(errors.NO_VALIDATOR, "validator does not exist")
    return v


def _positive(amount: int) -> None:
    if amount <= 0:
        raise staking_error(errors.INVALID_AMOUNT, f"invalid amount {amount}: must be positive")


def _funds(view: KVView, who: bytes, amount: int) -> None:
    have = bank.balance(view, who, BOND_DENOM)
    if have < amount:
        raise MsgError(
            codes.INSUFFICIENT_FUNDS,
            f"spendable balance {have}{BOND_DENOM} is smaller than {amount}{BOND_DENOM}: insufficient funds",
        )


@dataclass(frozen=True)
class NewValidator:
    operator: bytes
    pubkey: bytes
    moniker: str
    commission_rate: int
    max_rate: int
    max_change_rate: int
    min_self_delegation: int
    amount: int
    identity: str = ""
    website: str = ""
    security_contact: str = ""
    details: str = ""


def check_commission(rate: int, max_rate: int, max_change: int) -> None:
    if max_rate > DEC:
        raise staking_error(errors.COMMISSION_INVALID, "commission cannot be more than 100%")
    if rate > max_rate:
        raise staking_error(errors.COMMISSION_GT_MAX, "commission cannot be more than the max rate")
    if max_change > max_rate:
        raise staking_error(errors.COMMISSION_INVALID, "commission change rate cannot be more than the max rate")


def create_validator(view: KVView, now_ns: int, new: NewValidator) -> Validator:
    p = state.params(view)
    if state.validator(view, new.operator) is not None:
        raise staking_error(errors.OPERATOR_EXISTS, "validator already exist for this operator address; must use new validator operator address")
    if len(new.pubkey) != 32:
        raise staking_error(errors.PUBKEY_TYPE, "consensus public key must be a 32-byte ed25519 key")
    if state.by_consensus(view, state.cons_address(new.pubkey)) is not None:
        raise staking_error(errors.PUBKEY_EXISTS, "validator already exist for this pubkey; must use new validator pubkey")
    check_commission(new.commission_rate, new.max_rate, new.max_change_rate)
    if new.min_self_delegation < p.min_self_delegation:
        raise staking_error(
            errors.SELF_DELEGATION_BELOW_MIN,
            f"minimum self delegation {new.min_self_delegation} is below the chain minimum {p.min_self_delegation}",
        )
    if new.amount < new.min_self_delegation:
        raise staking_error(errors.SELF_DELEGATION_BELOW_MIN, "validator's self delegation must be greater than their minimum self delegation")
    _funds(view, new.operator, new.amount)
    v = Validator(
        operator=new.operator, pubkey=new.pubkey, moniker=new.moniker, identity=new.identity,
        website=new.website, security_contact=new.security_contact, details=new.details,
        commission_rate=new.commission_rate, max_rate=new.max_rate, max_change_rate=new.max_change_rate,
        commission_update_ns=now_ns, min_self_delegation=new.min_self_delegation,
    )
    state.put_validator(view, v)
    state.index_consensus_key(view, v)
    delegate(view, new.operator, new.operator, new.amount)
    return get_validator(view, new.operator)


def edit_validator(
    view: KVView, now_ns: int, operator: bytes, description: dict[str, str],
    commission_rate: int | None, min_self_delegation: int | None,
) -> Validator:
    v = get_validator(view, operator)
    changes: dict[str, object] = {k: t for k, t in description.items() if t != DO_NOT_MODIFY}
    if commission_rate is not None:
        if now_ns < v.commission_update_ns + DAY_NS:
            raise staking_error(errors.COMMISSION_UPDATE_TIME, "commission cannot be changed more than once in 24h")
        if commission_rate > v.max_rate:
            raise staking_error(errors.COMMISSION_GT_MAX, "commission cannot be more than the max rate")
        if abs(commission_rate - v.commission_rate) > v.max_change_rate:
            raise staking_error(errors.COMMISSION_GT_MAX_CHANGE, "commission cannot be changed more than max change rate")
        changes |= {"commission_rate": commission_rate, "commission_update_ns": now_ns}
    if min_self_delegation is not None:
        if min_self_delegation <= v.min_self_delegation:
            raise staking_error(errors.MIN_SELF_DELEGATION_DECREASED, "minimum self delegation cannot be decrease")
        if min_self_delegation > v.tokens_of(state.shares(view, operator, operator)):
            raise staking_error(errors.SELF_DELEGATION_BELOW_MIN, "validator's self delegation must be greater than their minimum self delegation")
        changes["min_self_delegation"] = min_self_delegation
    v = v.with_(**changes)
    state.put_validator(view, v)
    return v


def delegate(view: KVView, delegator: bytes, operator: bytes, amount: int) -> int:
    """Bond ``amount`` usei of ``delegator`` to ``operator``; returns the shares minted."""
    _positive(amount)
    v = get_validator(view, operator)
    if v.tokens == 0 and v.shares > 0:
        raise staking_error(errors.INVALID_AMOUNT, "invalid delegation share exchange rate: validator lost all its tokens")
    _funds(view, delegator, amount)
    rewards.settle(view, delegator, operator)
    bank.transfer(view, delegator, pool(v), BOND_DENOM, amount)
    minted = v.shares_for(amount)
    state.put_validator(view, v.with_(tokens=v.tokens + amount, shares=v.shares + minted))
    state.set_shares(view, delegator, operator, state.shares(view, delegator, operator) + minted)
    rewards.restart(view, delegator, operator)
    return minted


def _unbond(view: KVView, delegator: bytes, operator: bytes, amount: int) -> Validator:
    """Take ``amount`` tokens out of a delegation (rewards settled); returns the validator after."""
    _positive(amount)
    v = get_validator(view, operator)
    held = state.shares(view, delegator, operator)
    if not held:
        raise staking_error(errors.NO_DELEGATION, "no delegation for (address, validator) tuple")
    balance = v.tokens_of(held)
    if amount > balance:
        raise staking_error(
            errors.INSUFFICIENT_SHARES,
            f"invalid shares amount: {amount}{BOND_DENOM} is more than the delegation's {balance}{BOND_DENOM}",
        )
    burned = held if amount == balance else min(held, -(-amount * v.shares // v.tokens))
    rewards.settle(view, delegator, operator)
    v = v.with_(tokens=v.tokens - amount, shares=v.shares - burned)
    left = held - burned
    state.set_shares(view, delegator, operator, left)
    rewards.restart(view, delegator, operator)
    if delegator == operator and not v.jailed and v.tokens_of(left) < v.min_self_delegation:
        v = v.with_(jailed=True)  # the SDK jails a validator whose owner unbonds below its floor
    state.put_validator(view, v)
    return v


def undelegate(view: KVView, now_ns: int, delegator: bytes, operator: bytes, amount: int) -> int:
    """Start unbonding; the tokens wait in the not-bonded pool. Returns the completion time."""
    v = _unbond(view, delegator, operator, amount)
    if v.status == BONDED:
        bank.transfer(view, BONDED_POOL, NOT_BONDED_POOL, BOND_DENOM, amount)
    done = now_ns + state.params(view).unbonding_time_ns
    state.add_unbonding(view, done, delegator, operator, amount)
    return done


def redelegate(view: KVView, now_ns: int, delegator: bytes, src: bytes, dst: bytes, amount: int) -> int:
    """Move a delegation at once; returns when the redelegation entry matures."""
    if src == dst:
        raise staking_error(errors.SELF_REDELEGATION, "cannot redelegate to the same validator")
    target = get_validator(view, dst)
    if target.tokens == 0 and target.shares > 0:
        raise staking_error(errors.INVALID_AMOUNT, "invalid delegation share exchange rate: validator lost all its tokens")
    if state.redelegation_in_flight(view, delegator, src):
        raise staking_error(
            errors.TRANSITIVE_REDELEGATION,
            "redelegation to this validator already in progress; first redelegation to this validator must complete before next redelegation",
        )
    before = get_validator(view, src)
    _unbond(view, delegator, src, amount)
    target = get_validator(view, dst)
    if pool(before) != pool(target):
        bank.transfer(view, pool(before), pool(target), BOND_DENOM, amount)
    rewards.settle(view, delegator, dst)
    minted = target.shares_for(amount)
    state.put_validator(view, target.with_(tokens=target.tokens + amount, shares=target.shares + minted))
    state.set_shares(view, delegator, dst, state.shares(view, delegator, dst) + minted)
    rewards.restart(view, delegator, dst)
    done = now_ns + state.params(view).unbonding_time_ns
    state.add_redelegation(view, done, delegator, src, dst, amount)
    return done


def withdraw_rewards(view: KVView, delegator: bytes, operator: bytes) -> int:
    get_validator(view, operator)
    if not state.shares(view, delegator, operator):
        raise MsgError(errors.NO_DELEGATION, "no delegation for (address, validator) tuple", errors.DISTRIBUTION)
    return rewards.settle(view, delegator, operator)


def set_withdraw_address(view: KVView, delegator: bytes, target: bytes) -> None:
    """Pay ``delegator``'s future rewards to ``target`` (the SDK refuses module accounts and
    addresses that may not receive)."""
    if target in MODULE_ACCOUNTS:
        raise MsgError(codes.UNAUTHORIZED, f"{to_bech32(target)} is not allowed to receive external funds")
    if not can_receive(view, target):
        raise MsgError(codes.INVALID_RECIPIENT, f"{to_bech32(target)} is not allowed to receive external funds")
    rewards.set_withdraw_address(view, delegator, target)


def withdraw_commission(view: KVView, operator: bytes) -> int:
    """Commission is paid to the operator when each block's fees are allocated, so none is
    ever outstanding: this checks the validator and fails as the SDK does with nothing to pay."""
    get_validator(view, operator)
    raise errors.distribution_error(errors.NO_VALIDATOR_COMMISSION, "no validator commission to withdraw")
