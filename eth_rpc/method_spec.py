"""How a JSON-RPC method is declared: ``@rpc(name, mode, ...)`` marks a function with its
``Method`` spec; ``method_table.build_method_table`` collects the marked functions.

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
SPEC_ATTRIBUTE = "__rpc_method__"


@dataclass(frozen=True)
class Method:
    name: str
    fn: Callable[..., Any]
    mode: str = INLINE
    ws_only: bool = False
    conn: bool = False
    timeout: str | None = None


def rpc(
    name: str, mode: str = INLINE, ws_only: bool = False, conn: bool = False, timeout: str | None = None
) -> Callable[[Any], Any]:
    """Mark ``fn`` as the implementation of JSON-RPC method ``name`` (registers nothing)."""

    def mark(fn: Callable[..., Any]) -> Callable[..., Any]:
        setattr(fn, SPEC_ATTRIBUTE, Method(name, fn, mode, ws_only, conn, timeout))
        return fn

    return mark
