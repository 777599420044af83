"""The OCC task runner: executes one decoded tx on the tx's view (in any process).

Picklable by design: it carries only the enabled module names and chain constants; the
message handlers are rebuilt from the module registry in each process that unpickles it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from abci_app.application.txcodec import ASSOCIATE, EVM, Decoded
from abci_app.cosmos_tx.associate import execute_associate
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


#: Message handlers and precompiles per set of enabled modules, loaded once per process: an
#: OCC worker unpickles the runner every block, and loading the modules took ~3.5 ms.
_LOADED: dict[tuple[str, ...], tuple[dict[str, Any], list[Any]]] = {}


def _handlers_of(module_names: tuple[str, ...]) -> dict[str, Any]:
    """The modules' message handlers, with their precompiles installed in this process."""
    from evm_bridge.precompiles.registry import install

    loaded = _LOADED.get(module_names)
    if loaded is None:
        from abci_app.modules.loader import load_modules

        modules = load_modules(module_names)
        handlers = {name: h for module in modules for name, h in module.messages.items()}
        loaded = _LOADED[module_names] = (handlers, [module.precompiles for module in modules])
    for precompiles in loaded[1]:
        install(precompiles)  # idempotent and cheap: kept even if a test reset the registry
    return loaded[0]


def warm_up(module_names: tuple[str, ...], chain_id: str) -> None:
    """Load what executing any tx needs (an OCC worker, when it starts): the modules, their
    precompiles, and the EVM, so no block waits on a worker's imports."""
    AppTaskRunner(module_names, chain_id)
    import evm_bridge.execute  # noqa: F401
    from abci_app.cosmos_tx import execute  # noqa: F401


class AppTaskRunner:
    def __init__(self, module_names: tuple[str, ...], chain_id: str) -> None:
        self.module_names = module_names
        self.chain_id = chain_id
        self._handlers: dict[str, Any] | None = None
        self.handlers  # noqa: B018 -- installs the modules' precompiles in this process too (eth_call)

    def __getstate__(self) -> dict:
        return {"module_names": self.module_names, "chain_id": self.chain_id}

    def __setstate__(self, state: dict) -> None:
        self.module_names = state["module_names"]
        self.chain_id = state["chain_id"]
        self._handlers = None

    @property
    def handlers(self) -> dict[str, Any]:
        if self._handlers is None:
            self._handlers = _handlers_of(self.module_names)
        return self._handlers

    def run(self, task: BlockTask, context: BlockContext, view: KVView) -> TxResult:
        if task.decoded is None:
            return TxResult(code=task.error_code, log=task.error_log)
        if task.decoded.kind == ASSOCIATE:
            return execute_associate(task.decoded.tx, view)
        if task.decoded.kind == EVM:
            from evm_bridge.execute import execute_tx

            self.handlers  # noqa: B018 -- modules' precompiles installed before the first EVM tx

            return execute_tx(task.decoded.tx, context, view)
        from abci_app.cosmos_tx.execute import execute_cosmos_tx

        return execute_cosmos_tx(task.decoded.tx, context, view, self.handlers, verified_account=task.verified_account)
