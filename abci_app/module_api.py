"""The public module API: what a chain module provides and the core routes to.

A module owns named stores, handles tx messages (by protobuf type URL), answers queries (by
gRPC-style path) and may hook the end of a block. Execution is a pure function of
(message, block context, view), so every module runs under the OCC scheduler unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ledger.context import BlockContext
from ledger.results import Event, TxResult
from store.api import KVView, ReadView


class MsgError(Exception):
    """A message failed; ``code`` is an ``abci_app.codes`` value, the text is the log."""

    def __init__(self, code: int, log: str, codespace: str = "sdk") -> None:
        super().__init__(log)
        self.code = code
        self.log = log
        self.codespace = codespace


@dataclass(frozen=True)
class MsgHandler:
    """How one message type (``type_url``) is decoded, checked, authorised and executed."""

    type_url: str
    decode: Callable[[bytes], Any]
    #: Addresses (raw bytes) that must sign the message.
    signers: Callable[[Any], Sequence[bytes]]
    #: Stateless checks; raise ``MsgError``.
    validate: Callable[[Any], None]
    #: Execute on the tx's view; returns events and response data; raise ``MsgError``.
    execute: Callable[[Any, BlockContext, KVView], tuple[Sequence[Event], bytes]]
    #: Gas charged on top of the store-access gas (flat, deterministic).
    gas: int = 0


@dataclass(frozen=True)
class Vote:
    """One validator's vote on the previous block (from ``decided_last_commit``)."""

    address: bytes  # CometBFT validator address (20 bytes)
    power: int
    signed: bool


@dataclass(frozen=True)
class Misbehavior:
    kind: int  # 1 duplicate vote, 2 light client attack
    address: bytes
    height: int
    time_ns: int
    total_voting_power: int


@dataclass(frozen=True)
class BlockInfo:
    """Consensus facts of the block being finalized, for end-of-block hooks."""

    votes: tuple[Vote, ...] = ()
    misbehavior: tuple[Misbehavior, ...] = ()


@dataclass(frozen=True)
class ValidatorUpdate:
    """A change of CometBFT's validator set; power 0 removes the validator."""

    pubkey_type: str  # "ed25519" or "secp256k1"
    pubkey: bytes
    power: int


QueryHandler = Callable[[bytes, ReadView, int], bytes]
"""(request protobuf bytes, view at height, height) -> response protobuf bytes; raises
``MsgError`` (code ``NOT_FOUND`` etc.) for a failed query."""


@dataclass
class Module:
    """A chain module. Built-ins and plug-ins (entry point group ``pysei.modules``) alike."""

    name: str
    store_names: tuple[str, ...] = ()
    messages: Mapping[str, MsgHandler] = field(default_factory=dict)
    queries: Mapping[str, QueryHandler] = field(default_factory=dict)
    init_genesis: Callable[[KVView, Mapping[str, Any]], None] | None = None
    export_genesis: Callable[[ReadView], Mapping[str, Any]] | None = None
    #: Runs after all txs of a block (after fees reach the fee collector), on the main
    #: process, in module-name order. Per-block work that would be a hot spot inside txs
    #: (rewards, liveness, unbonding maturity) belongs here.
    end_block: Callable[[BlockContext, KVView, Sequence[TxResult], BlockInfo], Sequence[Event]] | None = None
    #: After every ``end_block``: the validator-set changes this block causes (sorted by key).
    validator_updates: Callable[[BlockContext, KVView], Sequence[ValidatorUpdate]] | None = None
    #: EVM precompiles this module provides: 20-byte address -> implementation (see
    #: ``evm_bridge.precompiles``).
    precompiles: Mapping[bytes, Any] = field(default_factory=dict)


class ModuleFactory(Protocol):
    def __call__(self) -> Module: ...
