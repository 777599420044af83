"""An asyncio client of CometBFT's JSON-RPC (broadcast, mempool, status)."""

from __future__ import annotations

import base64
import itertools
from typing import Any

import aiohttp

from .errors import server_error


class CometError(Exception):
    """CometBFT answered with a JSON-RPC error; ``text`` joins its message and data."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class CometClient:
    def __init__(self, url: str, timeout_s: float = 15.0) -> None:
        self.url = url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        try:
            async with self._session.post(self.url, json=body) as resp:
                out = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as e:
            raise server_error(f"consensus node unreachable: {type(e).__name__}") from None
        if out.get("error"):
            err = out["error"]
            raise CometError(f"{err.get('message', '')}: {err.get('data', '')}")
        return out.get("result")

    async def broadcast_tx_sync(self, raw: bytes) -> dict[str, Any]:
        return await self.call("broadcast_tx_sync", tx=base64.b64encode(raw).decode())

    async def unconfirmed_txs(self, limit: int = 100) -> list[bytes]:
        res = await self.call("unconfirmed_txs", limit=str(limit))
        return [base64.b64decode(t) for t in (res or {}).get("txs") or []]

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
