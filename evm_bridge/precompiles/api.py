"""Interfaces of the precompile package: what a precompile is and what staking it needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from store.api import KVView, ReadView


class PrecompileError(Exception):
    """A failed precompile call; the text is the revert reason (``Error(string)``)."""


class Precompile(Protocol):
    """py-evm calls a precompile with the computation and expects it back."""

    def __call__(self, computation: Any) -> Any: ...


@dataclass(frozen=True)
class DelegationInfo:
    delegator: bytes  # 20-byte Sei account
    validator: str  # seivaloper1…
    shares: int  # scaled by 10**18
    balance: int  # usei


@dataclass(frozen=True)
class ValidatorInfo:
    operator: str  # seivaloper1…
    consensus_pubkey: bytes  # ed25519, 32 bytes
    jailed: bool
    status: int  # 1 unbonded, 2 unbonding, 3 bonded
    tokens: int  # usei
    shares: int  # scaled by 10**18
    moniker: str
    commission_rate: int  # scaled by 10**18
    min_self_delegation: int


class NativeStaking(Protocol):
    """The staking rules the staking precompile calls (implemented by the app's staking
    module). Amounts in usei; times in block-time nanoseconds. Every method raises
    ``PrecompileError`` with a reason and leaves ``view`` untouched on failure."""

    def delegate(self, view: KVView, time_ns: int, delegator: bytes, validator: str, amount: int) -> None: ...

    def undelegate(self, view: KVView, time_ns: int, delegator: bytes, validator: str, amount: int) -> int: ...

    def redelegate(
        self, view: KVView, time_ns: int, delegator: bytes, src: str, dst: str, amount: int
    ) -> int: ...

    def delegation(self, view: ReadView, delegator: bytes, validator: str) -> DelegationInfo: ...

    def validator(self, view: ReadView, validator: str) -> ValidatorInfo: ...
