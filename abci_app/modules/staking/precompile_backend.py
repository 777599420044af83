"""``AppStakingBackend``: the staking rules of ``ops`` behind the precompile's ``StakingBackend``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from abci_app.module_api import MsgError
from abci_app.modules.staking import ops, state
from evm_bridge.precompiles.api import DelegationInfo, PrecompileError, ValidatorInfo
from ledger.addresses import VALOPER_PREFIX, AddressError, from_bech32, to_bech32
from store.api import KVView, ReadView

T = TypeVar("T")


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
        return ValidatorInfo(
            to_bech32(v.operator, VALOPER_PREFIX), v.pubkey, v.jailed, v.status, v.tokens, v.shares, v.moniker,
            v.commission_rate, v.min_self_delegation,
        )
