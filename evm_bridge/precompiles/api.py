"""Interfaces of the precompile package: what a precompile is and what staking and wasm need."""

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


class StakingBackend(Protocol):
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


class CosmosCallFailed(PrecompileError):
    """A metered native call failed after using ``gas_used``; ``out_of_gas`` when it ran
    past its gas limit (the precompile then fails like an EVM out-of-gas)."""

    def __init__(self, reason: str, gas_used: int, out_of_gas: bool = False) -> None:
        super().__init__(reason)
        self.gas_used = gas_used
        self.out_of_gas = out_of_gas


@dataclass(frozen=True)
class WasmCall:
    """Who calls a contract, from which block, with what gas and money."""

    sender: bytes  # 20-byte Sei account of the EVM caller
    height: int
    time_ns: int
    gas_limit: int  # SDK gas the call may use
    funds: tuple[tuple[str, int], ...] = ()  # (denom, amount), sorted by denom


@dataclass(frozen=True)
class WasmOutcome:
    data: bytes
    gas_used: int
    contract: str = ""  # sei1… of a new contract (instantiate)


class WasmBackend(Protocol):
    """The CosmWasm rules the wasmd precompile calls (implemented by the app's wasm module).
    Contract addresses are bech32 ``sei1…``; ``msg``/``req`` are JSON bytes. Every method
    raises ``CosmosCallFailed`` (reason, gas used) and leaves ``view`` untouched on failure;
    ``call.funds`` move from ``call.sender`` (who must hold them) to the contract."""

    def instantiate(
        self, view: KVView, call: WasmCall, code_id: int, admin: str, msg: bytes, label: str
    ) -> WasmOutcome: ...

    def execute(self, view: KVView, call: WasmCall, contract: str, msg: bytes) -> WasmOutcome: ...

    def query(self, view: ReadView, call: WasmCall, contract: str, req: bytes) -> WasmOutcome: ...
