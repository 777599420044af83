"""A tiny CometBFT RPC client for the testnet tools (JSON-RPC over HTTP, stdlib only)."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from typing import Any


class RpcError(RuntimeError):
    pass


def call(url: str, method: str, timeout: float = 10, **params: Any) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        out = json.loads(resp.read())
    if "error" in out:
        raise RpcError(f"{method}: {out['error']}")
    return out["result"]


def height(url: str, timeout: float = 3) -> int:
    """Latest block height, 0 when the node does not answer."""
    try:
        return int(call(url, "status", timeout=timeout)["sync_info"]["latest_block_height"])
    except (OSError, RpcError, ValueError, KeyError):
        return 0


def block_time(ts: str) -> float:
    """CometBFT's RFC 3339 time (nanoseconds) as a Unix timestamp."""
    head, frac = ts.rstrip("Z").split(".") if "." in ts else (ts.rstrip("Z"), "0")
    return datetime.fromisoformat(head + "+00:00").timestamp() + float("0." + frac)


def headers(url: str, low: int, high: int) -> dict[int, dict]:
    """Block headers ``low..high`` (inclusive) through ``/blockchain`` (20 per call)."""
    out: dict[int, dict] = {}
    top = high
    while top >= low:
        res = call(url, "blockchain", minHeight=str(max(low, top - 19)), maxHeight=str(top))
        for meta in res["block_metas"]:
            h = int(meta["header"]["height"])
            out[h] = meta["header"]
        top -= 20
    return out
