"""The public module API: what a chain module provides and the core routes to.

A module is a ``Module`` value returned by a factory registered under the ``pysei.modules``
entry point group and enabled by name in ``app.toml`` (``modules = [...]``). It may:

* own named stores (``store_names``); all its state lives there, read and written only
  through the view it is handed;
* import and export its genesis section (``init_genesis`` / ``export_genesis``: the JSON
  object under ``app_state[name]``); an export fed back to ``init_genesis`` rebuilds the
  same store contents;
* handle tx messages by protobuf type URL (``MsgHandler``: decode, signers, stateless
  ``validate``, ``execute`` on the tx's view returning events and response bytes; a
  ``metered`` handler also gets the tx's ``GasMeter`` and charges the work it did; an
  ``amino`` converter lets Ledger-style SIGN_MODE_LEGACY_AMINO_JSON txs carry it);
* answer queries by gRPC-style path through ABCI ``Query`` (``QueryHandler``);
* run ``end_block`` after the block's txs and report ``validator_updates``;
* provide EVM ``precompiles`` at fixed addresses.

Rules (see ``docs/writing-a-module.md``): execution is a pure function of (message, block
context, view): no clock, randomness, I/O or globals, so every module runs under the OCC
scheduler unchanged; fees are deferred by the core; failures raise ``MsgError`` and leave no
writes. The core routes by type URL and path only; it knows no module by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ledger.codes import OUT_OF_GAS
from ledger.context import BlockContext
from ledger.results import Event, TxResult
from store.api import KVView, ReadView

__all__ = [
    "BlockContext",
    "BlockInfo",
    "Event",
    "GasMeter",
    "KVView",
    "Misbehavior",
    "Module",
    "ModuleFactory",
    "MsgError",
    "MsgHandler",
    "QueryHandler",
    "ReadView",
    "TxResult",
    "ValidatorUpdate",
    "Vote",
]


class MsgError(Exception):
    """A message failed; ``code`` is an ``ledger.codes`` value, the text is the log."""

    def __init__(self, code: int, log: str, codespace: str = "sdk") -> None:
        super().__init__(log)
        self.code = code
        self.log = log
        self.codespace = codespace


class GasMeter:
    """The gas of one native tx: ``limit`` is the tx's gas limit, ``used`` starts at the
    static charge of the ante step (which includes every handler's flat ``gas``).

    A metered handler reads ``remaining`` to bound its work and ``consume``s what it did;
    going past the limit raises ``MsgError(OUT_OF_GAS)`` and leaves ``used`` at the limit,
    so the tx fails the same way wherever it runs.
    """

    __slots__ = ("limit", "used")

    def __init__(self, limit: int, used: int = 0) -> None:
        self.limit = limit
        self.used = used

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def consume(self, gas: int, descriptor: str) -> None:
        wanted = self.used + gas
        if wanted > self.limit:
            self.used = self.limit
            raise MsgError(
                OUT_OF_GAS,
                f"out of gas in location: {descriptor}; gasWanted: {self.limit}, gasUsed: {wanted}: out of gas",
            )
        self.used = wanted


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
    #: ``(msg, ctx, view)``, or ``(msg, ctx, view, meter)`` when ``metered``.
    execute: Callable[..., tuple[Sequence[Event], bytes]]
    #: Gas charged on top of the store-access gas (flat, deterministic).
    gas: int = 0
    #: True: ``execute`` also gets the tx's ``GasMeter`` and consumes the gas of its work
    #: (beyond the flat ``gas``); the tx's ``gas_used`` includes it.
    metered: bool = False
    #: True: ``execute`` reads nothing of the block context (height, time, hash, proposer),
    #: so a CheckTx of it is a function of the state it read and can be replayed from that
    #: (``abci_app.application.txpool.replay``).
    context_free: bool = False
    #: True: ``execute`` uses a bank balance only to credit it (an amount added, no decision
    #: on it) or to debit it (checking it covers the amount, a decision that stays true when
    #: the balance grows), and a balance whose net change is a credit it never debits. A
    #: held tx of one such message whose check read balances that changed since is put back
    #: with its balance writes shifted by the change (``txpool.replay``), not checked again.
    balance_deltas: bool = False
    #: The message's legacy amino JSON form ``{"type": amino name, "value": {...}}`` for
    #: SIGN_MODE_LEGACY_AMINO_JSON (see ``abci_app.cosmos_tx.amino``); None: that mode is refused.
    amino: Callable[[Any], Mapping[str, Any]] | None = None


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

    #: Unique name: the entry point name, the ``app.toml`` name and the genesis section key.
    name: str
    #: Stores this module owns (no two enabled modules may declare the same store).
    store_names: tuple[str, ...] = ()
    #: Messages by protobuf type URL (``/package.MsgName``), unique across enabled modules.
    messages: Mapping[str, MsgHandler] = field(default_factory=dict)
    #: Queries by gRPC-style path (``/package.Query/Method``), unique across enabled modules.
    queries: Mapping[str, QueryHandler] = field(default_factory=dict)
    #: Builds the module's genesis state from ``app_state[name]`` (``{}`` when absent). Runs
    #: at InitChain in the enabled-module order; raise ``ValueError`` for a bad genesis.
    init_genesis: Callable[[KVView, Mapping[str, Any]], None] | None = None
    #: The JSON-able genesis section describing the state in the view (``pysei export``);
    #: ``init_genesis`` of its output must rebuild the same store contents.
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
    #: Called once with the chain's whole precompile table (the built-ins and every enabled
    #: module's) when a process assembles its modules (``abci_app.modules.loader``): a module
    #: whose code calls into the EVM (wasm's ``call_evm``) then runs it with the precompiles
    #: blocks run with, including those of modules loaded after it.
    use_precompile_table: Callable[[Mapping[bytes, Any]], None] | None = None
    #: The validator set the state describes, for the ``validators`` of an exported
    #: genesis (``pysei export``); None keeps the exporting chain's genesis validators.
    genesis_validators: Callable[[ReadView], Sequence[ValidatorUpdate]] | None = None


class ModuleFactory(Protocol):
    """What a ``pysei.modules`` entry point names: a callable returning the ``Module``."""

    def __call__(self) -> Module: ...
