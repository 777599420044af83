"""The method registry: name -> implementation, and how the dispatcher must run it.

Modes: ``inline`` runs on the event loop (cheap index or state reads), ``thread`` in the
server's worker threads (EVM execution, log scans, traces), ``async`` is a coroutine
(CometBFT round trips). ``conn`` methods also get the caller's connection (subscriptions).
``timeout`` names the config limit (``RpcConfig.<timeout>_timeout_s``) after which the
caller gets an error (the worker thread finishes in the background).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

INLINE, THREAD, ASYNC = "inline", "thread", "async"


@dataclass(frozen=True)
class Method:
    name: str
    fn: Callable[..., Any]
    mode: str = INLINE
    ws_only: bool = False
    conn: bool = False
    timeout: str | None = None


REGISTRY: dict[str, Method] = {}


def rpc(
    name: str, mode: str = INLINE, ws_only: bool = False, conn: bool = False, timeout: str | None = None
) -> Callable[[Any], Any]:
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if name in REGISTRY:
            raise ValueError(f"method {name} registered twice")
        REGISTRY[name] = Method(name, fn, mode, ws_only, conn, timeout)
        return fn

    return register


def load_all() -> dict[str, Method]:
    """Import every method module (each registers itself) and return the registry."""
    from evm_bridge.rpc.methods import (  # noqa: F401
        block_access_lists,
        blocks,
        calls,
        chain,
        debug,
        fees,
        fill,
        filters,
        logs,
        node_info,
        proof,
        raw,
        sei,
        simulate,
        state,
        subscriptions,
        txpool,
        txs,
    )

    return REGISTRY
