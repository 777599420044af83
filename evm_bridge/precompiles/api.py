"""Interfaces of the precompile package: what a precompile is and what staking, distribution
and wasm need."""

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
    """A validator as Sei's staking precompile reports it: the SDK's string forms."""

    operator: str  # seivaloper1…
    consensus_pubkey: bytes  # the protobuf ed25519 PubKey (the Any's value), as Sei returns it
    jailed: bool
    status: int  # 1 unbonded, 2 unbonding, 3 bonded
    tokens: str  # usei, "1000000"
    delegator_shares: str  # 18-digit decimal, "1000000.000000000000000000"
    description: str  # the SDK's Description.String() (YAML)
    unbonding_height: int
    unbonding_time: int  # unix seconds
    commission_rate: str  # 18-digit decimal
    commission_max_rate: str
    commission_max_change_rate: str
    commission_update_time: int  # unix seconds
    min_self_delegation: str  # usei


@dataclass(frozen=True)
class NewValidatorArgs:
    """``createValidator``'s arguments as Solidity passes them (rates are decimal strings)."""

    pubkey: bytes  # ed25519, 32 bytes
    moniker: str
    commission_rate: str
    max_rate: str
    max_change_rate: str
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

    def validators(
        self, view: ReadView, status: str, next_key: bytes, limit: int
    ) -> tuple[tuple[ValidatorInfo, ...], bytes]:
        """Up to ``limit`` validators with ``status`` (a ``BOND_STATUS_…`` name, or "" for all)
        in operator order, from ``next_key`` (b"" for the first page); returns them and the
        key of the next page (b"" when exhausted)."""
        ...

    def create_validator(self, view: KVView, time_ns: int, operator: bytes, new: NewValidatorArgs, amount: int) -> str:
        """Create ``operator``'s validator with a self-delegation of ``amount`` usei, which
        ``operator`` must hold; returns its ``seivaloper1…`` address."""
        ...


@dataclass(frozen=True)
class DelegatorReward:
    validator: str  # seivaloper1…
    amount: int  # usei


class DistributionBackend(Protocol):
    """The distribution rules the distribution precompile calls (implemented by the app's
    distribution module). Accounts are 20-byte Sei addresses; amounts in usei. Every method
    raises ``PrecompileError`` with a reason and leaves ``view`` untouched on failure."""

    def set_withdraw_address(self, view: KVView, delegator: bytes, target: bytes) -> None: ...

    def withdraw_rewards(self, view: KVView, delegator: bytes, validator: str) -> int:
        """Pay one delegation's rewards to the delegator's withdraw address; returns them."""
        ...

    def withdraw_commission(self, view: KVView, operator: bytes) -> int: ...

    def rewards(self, view: ReadView, delegator: bytes) -> tuple[DelegatorReward, ...]:
        """What each of the delegator's delegations is owed now, in validator order."""
        ...


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
