"""A tiny CometBFT RPC client (JSON-RPC 2.0 over HTTP POST, standard library only).

In a POST body CometBFT reads ``abci_query``'s ``data`` as hex and tx bytes and hashes as
base64; heights are decimal strings. Results come back as CometBFT's JSON.
"""

from __future__ import annotations

import base64
import itertools
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

DEFAULT_NODE = "http://127.0.0.1:26657"


class RpcError(Exception):
    """The node answered with a JSON-RPC error, or could not be reached."""


@dataclass(frozen=True)
class QueryResult:
    code: int
    log: str
    value: bytes
    height: int
    codespace: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0


class CometClient:
    def __init__(self, url: str = DEFAULT_NODE, timeout: float = 30.0) -> None:
        self.url = url if "://" in url else "http://" + url.removeprefix("tcp://")
        self.timeout = timeout
        self._ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        body = json.dumps(
            {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        ).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                out = json.loads(resp.read())
        except urllib.error.HTTPError as e:  # CometBFT answers some errors with HTTP 500 + JSON
            try:
                out = json.loads(e.read())
            except ValueError:
                raise RpcError(f"{method}: HTTP {e.code} from {self.url}") from None
        except (urllib.error.URLError, OSError) as e:
            raise RpcError(f"{method}: cannot reach {self.url}: {e}") from None
        if out.get("error"):
            err = out["error"]
            raise RpcError(f"{method}: {err.get('message', '')} {err.get('data', '')}".strip())
        return out["result"]

    def abci_query(self, path: str, data: bytes = b"", height: int = 0, prove: bool = False) -> QueryResult:
        res = self.call("abci_query", path=path, data=data.hex(), height=str(height), prove=prove)["response"]
        return QueryResult(
            code=int(res.get("code", 0)),
            log=res.get("log", ""),
            value=base64.b64decode(res.get("value") or ""),
            height=int(res.get("height", 0)),
            codespace=res.get("codespace", ""),
        )

    def broadcast_tx_sync(self, tx: bytes) -> dict[str, Any]:
        return self.call("broadcast_tx_sync", tx=base64.b64encode(tx).decode())

    def broadcast_tx_commit(self, tx: bytes) -> dict[str, Any]:
        return self.call("broadcast_tx_commit", tx=base64.b64encode(tx).decode())

    def status(self) -> dict[str, Any]:
        return self.call("status")

    def block(self, height: int | None = None) -> dict[str, Any]:
        return self.call("block", **({} if height is None else {"height": str(height)}))

    def tx(self, tx_hash: str | bytes, prove: bool = False) -> dict[str, Any]:
        raw = bytes.fromhex(tx_hash.removeprefix("0x")) if isinstance(tx_hash, str) else tx_hash
        return self.call("tx", hash=base64.b64encode(raw).decode(), prove=prove)
