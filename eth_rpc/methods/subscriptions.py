"""eth_subscribe / eth_unsubscribe (WebSocket only): newHeads, logs, newPendingTransactions."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import invalid_params
from eth_rpc.method_spec import rpc
from eth_rpc.methods.logs import parse_log_filter


@rpc("eth_subscribe", ws_only=True, conn=True)
def subscribe(b: Any, params: list, conn: Any) -> str:
    kind, options = P.arity(params, 1, 2)
    if not isinstance(kind, str):
        raise invalid_params("invalid argument 0: subscription name must be a string")
    flt = None
    if kind == "logs":
        flt = parse_log_filter(options if options is not None else {})
    elif kind == "newPendingTransactions" and options not in (None, False, True):
        raise invalid_params("invalid argument 1: want a boolean")
    return b.hub.subscribe(conn, kind, flt)


@rpc("eth_unsubscribe", ws_only=True, conn=True)
def unsubscribe(b: Any, params: list, conn: Any) -> bool:
    (sid,) = P.arity(params, 1, 1)
    if not isinstance(sid, str):
        raise invalid_params("invalid argument 0: subscription id must be a string")
    return b.hub.unsubscribe(conn, sid.lower())
