"""The staking and distribution rules of ``ops`` behind the precompiles' ``StakingBackend``
(``AppStakingBackend``) and ``DistributionBackend`` (``AppDistributionBackend``)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TypeVar

from abci_app.module_api import MsgError
from abci_app.modules.staking import ops, rewards, state
from abci_app.modules.staking.records import STATUS_NAMES, Validator, format_dec, parse_dec
from evm_bridge.precompiles.api import (
    DelegationInfo,
    DelegatorReward,
    NewValidatorArgs,
    PrecompileError,
    ValidatorInfo,
)
from ledger.addresses import VALOPER_PREFIX, AddressError, from_bech32, to_bech32
from store.api import KVView, ReadView

T = TypeVar("T")
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9 _./-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _valoper(text: str) -> bytes:
    try:
        return from_bech32(text, VALOPER_PREFIX)
    except AddressError as e:
        raise PrecompileError(f"invalid validator address {text!r}: {e}") from None


def _guard(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except MsgError as e:
        raise PrecompileError(e.log) from None


def _rate(text: str, what: str) -> int:
    try:
        return parse_dec(text, what)
    except ValueError:
        raise PrecompileError(f"invalid {what}") from None


def _yaml_text(text: str) -> str:
    """A YAML scalar as Go's yaml.v2 writes a string: plain when unambiguous, else double-quoted."""
    plain = _PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in _YAML_WORDS
    return text if plain else json.dumps(text)


def description(v: Validator) -> str:
    """The SDK's ``Description.String()``: the description as YAML, fields in proto order."""
    fields = (("moniker", v.moniker), ("identity", v.identity), ("website", v.website),
              ("security_contact", v.security_contact), ("details", v.details))
    return "".join(f"{name}: {_yaml_text(text)}\n" for name, text in fields)


def _info(v: Validator) -> ValidatorInfo:
    return ValidatorInfo(
        operator=to_bech32(v.operator, VALOPER_PREFIX), consensus_pubkey=b"\x0a" + bytes([len(v.pubkey)]) + v.pubkey,
        jailed=v.jailed, status=v.status, tokens=str(v.tokens), delegator_shares=format_dec(v.shares),
        description=description(v), unbonding_height=v.unbonding_height,
        unbonding_time=v.unbonding_time_ns // 10**9, commission_rate=format_dec(v.commission_rate),
        commission_max_rate=format_dec(v.max_rate), commission_max_change_rate=format_dec(v.max_change_rate),
        commission_update_time=v.commission_update_ns // 10**9, min_self_delegation=str(v.min_self_delegation),
    )


class AppStakingBackend:
    """Stateless; safe to share between calls and to rebuild in every worker process."""

    def delegate(self, view: KVView, time_ns: int, delegator: bytes, validator: str, amount: int) -> None:
        _guard(lambda: ops.delegate(view, delegator, _valoper(validator), amount))

    def undelegate(self, view: KVView, time_ns: int, delegator: bytes, validator: str, amount: int) -> int:
        return _guard(lambda: ops.undelegate(view, time_ns, delegator, _valoper(validator), amount))

    def redelegate(self, view: KVView, time_ns: int, delegator: bytes, src: str, dst: str, amount: int) -> int:
        return _guard(lambda: ops.redelegate(view, time_ns, delegator, _valoper(src), _valoper(dst), amount))

    def delegation(self, view: ReadView, delegator: bytes, validator: str) -> DelegationInfo:
        v = state.validator(view, _valoper(validator))
        if v is None:
            raise PrecompileError("validator does not exist")
        held = state.shares(view, delegator, v.operator)
        if not held:
            raise PrecompileError(f"no delegation of {to_bech32(delegator)} to {validator}")
        return DelegationInfo(delegator, validator, held, v.tokens_of(held))

    def validator(self, view: ReadView, validator: str) -> ValidatorInfo:
        v = state.validator(view, _valoper(validator))
        if v is None:
            raise PrecompileError("validator does not exist")
        return _info(v)

    def validators(
        self, view: ReadView, status: str, next_key: bytes, limit: int
    ) -> tuple[tuple[ValidatorInfo, ...], bytes]:
        wanted = next((code for code, name in STATUS_NAMES.items() if name == status), None)
        if status and wanted is None:
            raise PrecompileError(f"invalid validator status {status}")
        page: list[ValidatorInfo] = []
        for v in state.validators(view, next_key):
            if wanted is not None and v.status != wanted:
                continue
            if len(page) == limit:
                return tuple(page), v.operator
            page.append(_info(v))
        return tuple(page), b""

    def create_validator(self, view: KVView, time_ns: int, operator: bytes, new: NewValidatorArgs, amount: int) -> str:
        record = ops.NewValidator(
            operator=operator, pubkey=new.pubkey, moniker=new.moniker,
            commission_rate=_rate(new.commission_rate, "commission rate"),
            max_rate=_rate(new.max_rate, "commission max rate"),
            max_change_rate=_rate(new.max_change_rate, "commission max change rate"),
            min_self_delegation=new.min_self_delegation, amount=amount,
        )
        _guard(lambda: ops.create_validator(view, time_ns, record))
        return to_bech32(operator, VALOPER_PREFIX)


class AppDistributionBackend:
    """Stateless, like ``AppStakingBackend``."""

    def set_withdraw_address(self, view: KVView, delegator: bytes, target: bytes) -> None:
        _guard(lambda: ops.set_withdraw_address(view, delegator, target))

    def withdraw_rewards(self, view: KVView, delegator: bytes, validator: str) -> int:
        return _guard(lambda: ops.withdraw_rewards(view, delegator, _valoper(validator)))

    def withdraw_commission(self, view: KVView, operator: bytes) -> int:
        return _guard(lambda: ops.withdraw_commission(view, operator))

    def rewards(self, view: ReadView, delegator: bytes) -> tuple[DelegatorReward, ...]:
        return tuple(
            DelegatorReward(to_bech32(operator, VALOPER_PREFIX), rewards.pending(view, delegator, operator))
            for operator, _ in state.delegations_of(view, delegator)
        )
