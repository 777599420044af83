"""Interfaces and the small vocabulary of ``wasm_bridge``: errors, code and contract records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ledger.context import BlockContext
from ledger.results import Event
from store.api import KVView, ReadView

Coins = tuple[tuple[str, int], ...]
"""(denom, amount) pairs, sorted by denom, amounts > 0."""


class WasmError(Exception):
    """A Wasm operation failed; the text is what the tx log shows."""


class ValidationError(WasmError):
    """A request is malformed before any contract runs (bad address, JSON, funds)."""


class NotFound(WasmError):
    """No such code or contract."""


class Unauthorized(WasmError):
    """The sender may not do this (e.g. migrate without being the admin)."""


class ContractError(WasmError):
    """The contract itself returned ``{"error": ...}``; the text is the contract's."""


class VmError(WasmError):
    """The VM stopped the contract: trap, bad region, limit exceeded, host failure."""


class OutOfGas(WasmError):
    """The gas limit was reached; deterministic at any worker count."""

    def __init__(self, limit: int, used: int) -> None:
        super().__init__(f"out of gas; gasWanted: {limit}, gasUsed: {used}: out of gas")
        self.limit, self.used = limit, used


@dataclass(frozen=True)
class CodeInfo:
    code_id: int
    checksum: bytes  # sha256 of the (uncompressed) code
    creator: str


@dataclass(frozen=True)
class ContractInfo:
    address: bytes  # 32 bytes (wasmd classic address)
    code_id: int
    creator: str
    admin: str  # "" when the contract has no admin
    label: str
    created_height: int


@dataclass(frozen=True)
class Outcome:
    """What a finished instantiate / execute / migrate gives back to the caller."""

    events: tuple[Event, ...] = ()
    data: bytes | None = None
    address: bytes = b""
    gas_used: int = 0
    extra: dict[str, str] = field(default_factory=dict)



class EvmCallFailed(WasmError):
    """A Wasm -> EVM call reverted or could not run after using ``gas_used``; the text is
    the EVM's reason."""

    def __init__(self, reason: str, gas_used: int) -> None:
        super().__init__(reason)
        self.gas_used = gas_used


@dataclass(frozen=True)
class EvmCallOutcome:
    output: bytes
    gas_used: int
    events: tuple[Event, ...] = ()  # the call's EVM logs as ``evm_log`` events


class EvmCaller(Protocol):
    """What Sei's ``evm`` bindings reach (implemented by the app, which knows the EVM):
    ``sender`` is the calling contract, ``gas_limit`` the Wasm gas it has left (1 SDK gas =
    1 EVM gas). Failures raise ``EvmCallFailed`` with the gas used."""

    def call(
        self, view: KVView, ctx: BlockContext, sender: bytes, to: bytes, value: int, data: bytes, gas_limit: int
    ) -> EvmCallOutcome: ...

    def static_call(
        self, view: ReadView, ctx: BlockContext, sender: bytes, to: bytes, data: bytes, gas_limit: int
    ) -> EvmCallOutcome: ...

    def delegate_call(
        self, view: KVView, ctx: BlockContext, contract: bytes, sender: bytes, to: bytes, data: bytes, gas_limit: int
    ) -> EvmCallOutcome:
        """Call ``to`` as ``sender`` (the message's sender that reached ``contract``): allowed
        only when ``contract`` is the registered CosmWasm pointer of ``to``."""
        ...

    def evm_address(self, view: ReadView, sei: bytes) -> tuple[bytes, bool]:
        """The EVM address of Sei account ``sei`` and whether it is associated (else the cast)."""
        ...
