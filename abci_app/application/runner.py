"""The OCC task runner: executes one decoded tx on the tx's view (in any process).

Picklable by design: it carries the enabled modules' factories (pickled by reference) and
the chain id; each process that unpickles it calls the factories on first use to build the
message handlers and the EVM precompile table (``evm_bridge.precompiles.registry``), which
depends only on the enabled modules, so every process of every validator runs the same one.
Runners compare equal by those values, so an OCC worker keeps its runner, and the modules
it built, across blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from abci_app.application.txcodec import ASSOCIATE, EVM, Decoded
from abci_app.cosmos_tx.associate import execute_associate
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from abci_app.module_api import Module, ModuleFactory, MsgHandler
from abci_app.modules.loader import available, load_modules, share_precompile_table
from evm_bridge.execute import execute_tx
from evm_bridge.precompiles.registry import PrecompileTable
from ledger.context import BlockContext
from ledger.results import TxResult
from store.api import KVView


@dataclass(frozen=True)
class BlockTask:
    """One tx of a block: decoded, or the rejection it already earned at decode time."""

    decoded: Decoded | None
    error_code: int = 0
    error_log: str = ""
    #: Account number the signature was verified against in CheckTx (native txs), or -1.
    verified_account: int = -1

    def __reduce__(self) -> tuple[Callable[..., BlockTask], tuple[Any, ...]]:
        # One flat tuple with the ``Decoded`` inlined: OCC ships every task to a worker.
        d = self.decoded
        decoded = () if d is None else (d.kind, d.tx, d.hash)
        return _block_task, (decoded, self.error_code, self.error_log, self.verified_account)


def _block_task(
    decoded: tuple[Any, ...], error_code: int, error_log: str, verified_account: int
) -> BlockTask:
    """A ``BlockTask`` from ``BlockTask.__reduce__``'s values (unpickling)."""
    task = object.__new__(BlockTask)
    task.__dict__.update(
        decoded=_decoded(*decoded) if decoded else None,
        error_code=error_code,
        error_log=error_log,
        verified_account=verified_account,
    )
    return task


def _decoded(kind: str, tx: Any, hash_: bytes) -> Decoded:
    decoded = object.__new__(Decoded)
    decoded.__dict__.update(kind=kind, tx=tx, hash=hash_)
    return decoded


def _built(modules: Sequence[Module]) -> tuple[Mapping[str, MsgHandler], PrecompileTable]:
    """The message handlers and the precompile table of ``modules`` (handed to the modules
    that call into the EVM, as ``load_modules`` does)."""
    handlers = {name: h for module in modules for name, h in module.messages.items()}
    return handlers, share_precompile_table(modules)


def warm_up(module_names: tuple[str, ...], chain_id: str) -> None:
    """Prepare an OCC worker when it starts: importing this module imported both execution
    paths (the EVM's and the Cosmos SDK's); ``prepare`` builds the modules, so no block waits
    on a worker's imports."""
    AppTaskRunner(module_names, chain_id).prepare()


class AppTaskRunner:
    """Runs a block's tasks: association txs, EVM txs (with the chain's precompile table)
    and native txs (with the modules' message handlers)."""

    def __init__(
        self, module_names: tuple[str, ...], chain_id: str, modules: Sequence[Module] | None = None
    ) -> None:
        """``modules``: the process's already loaded modules of ``module_names`` (the app's,
        so queries and blocks share one set and its caches); loaded here when None."""
        if modules is None:
            modules = load_modules(module_names)  # fails loudly on an unknown or incompatible set
        elif tuple(m.name for m in modules) != tuple(module_names):
            raise ValueError(f"modules {[m.name for m in modules]} are not {list(module_names)}")
        entry_points = available()
        self.module_names = module_names
        self.chain_id = chain_id
        self._factories: tuple[ModuleFactory, ...] = tuple(entry_points[n].load() for n in module_names)
        self._loaded: tuple[Mapping[str, MsgHandler], PrecompileTable] | None = _built(modules)

    def __getstate__(self) -> dict[str, Any]:
        return {"module_names": self.module_names, "chain_id": self.chain_id, "factories": self._factories}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.module_names = state["module_names"]
        self.chain_id = state["chain_id"]
        self._factories = state["factories"]
        self._loaded = None

    def __eq__(self, other: object) -> bool:
        """Equal runners run txs alike: an OCC worker keeps the one it has (and what it
        built) while the coordinator ships an equal one each block."""
        if not isinstance(other, AppTaskRunner):
            return NotImplemented
        return (self.module_names, self.chain_id, self._factories) == (
            other.module_names, other.chain_id, other._factories)

    def __hash__(self) -> int:
        return hash((self.module_names, self.chain_id, self._factories))

    def prepare(self) -> tuple[Mapping[str, MsgHandler], PrecompileTable]:
        """The modules' message handlers and the precompile table, built on first use."""
        if self._loaded is None:
            self._loaded = _built([factory() for factory in self._factories])
        return self._loaded

    @property
    def handlers(self) -> Mapping[str, MsgHandler]:
        """Message handlers by type URL, of every enabled module."""
        return self.prepare()[0]

    @property
    def precompiles(self) -> PrecompileTable:
        """The chain's EVM precompile table: blocks, simulations and traces all run with it."""
        return self.prepare()[1]

    def run(self, task: BlockTask, context: BlockContext, view: KVView) -> TxResult:
        if task.decoded is None:
            return TxResult(code=task.error_code, log=task.error_log)
        if task.decoded.kind == ASSOCIATE:
            return execute_associate(task.decoded.tx, view)
        if task.decoded.kind == EVM:
            return execute_tx(task.decoded.tx, context, view, self.precompiles)
        return execute_cosmos_tx(task.decoded.tx, context, view, self.handlers, verified_account=task.verified_account)
