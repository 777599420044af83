"""An asyncio client of CometBFT's JSON-RPC: one ``call`` per request, one session."""

from __future__ import annotations

import itertools
from typing import Any

import aiohttp

from cosmos_api.errors import UNAVAILABLE, ApiError
from untrusted import json_text


class CometError(Exception):
    """CometBFT answered with a JSON-RPC error; ``text`` joins its message and data."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class CometClient:
    def __init__(self, url: str, timeout_s: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._ids = itertools.count(1)

    async def call(self, method: str, **params: Any) -> Any:
        """The ``result`` of ``method``; raises ``CometError`` or ``ApiError(Unavailable)``."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        try:
            async with self._session.post(self.url, json=body) as resp:
                out = json_text.loads(await resp.read())
        except (aiohttp.ClientError, TimeoutError, ValueError) as e:
            raise ApiError(UNAVAILABLE, f"consensus node unreachable: {type(e).__name__}") from None
        if not isinstance(out, dict):
            raise ApiError(UNAVAILABLE, "consensus node answered no JSON-RPC object")
        if out.get("error"):
            err = out["error"]
            raise CometError(f"{err.get('message', '')}: {err.get('data', '')}")
        return out.get("result")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
