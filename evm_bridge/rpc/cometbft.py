"""An asyncio client of CometBFT's JSON-RPC (broadcast, mempool, status).

Broadcasts are coalesced: every ``broadcast_tx_sync`` issued in one turn of the event loop
goes out in JSON-RPC batches of at most ``BROADCAST_BATCH`` (CometBFT's default
``max_request_batch_size`` is 10), one HTTP request each instead of one per tx. A lone
broadcast is sent as a plain call, so an idle node answers as soon as before.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
from typing import Any

import aiohttp

from .errors import server_error

#: Most broadcasts per JSON-RPC batch (CometBFT's ``rpc.max_request_batch_size`` default).
BROADCAST_BATCH = 10


class CometError(Exception):
    """CometBFT answered with a JSON-RPC error; ``text`` joins its message and data."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _unreachable(e: BaseException) -> Exception:
    return server_error(f"consensus node unreachable: {type(e).__name__}")


def _comet_error(err: dict[str, Any]) -> CometError:
    return CometError(f"{err.get('message', '')}: {err.get('data', '')}")


class CometClient:
    def __init__(self, url: str, timeout_s: float = 15.0) -> None:
        self.url = url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._ids = itertools.count(1)
        self._queued: list[tuple[bytes, asyncio.Future[dict[str, Any]]]] = []

    async def _post(self, body: object) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        try:
            async with self._session.post(self.url, json=body) as resp:
                return await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as e:
            raise _unreachable(e) from None

    async def call(self, method: str, **params: Any) -> Any:
        out = await self._post({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params})
        if out.get("error"):
            raise _comet_error(out["error"])
        return out.get("result")

    async def broadcast_tx_sync(self, raw: bytes) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[dict[str, Any]] = loop.create_future()
        if not self._queued:
            loop.call_soon(self._flush)
        self._queued.append((raw, done))
        return await done

    def _flush(self) -> None:
        queued, self._queued = self._queued, []
        for i in range(0, len(queued), BROADCAST_BATCH):
            asyncio.ensure_future(self._broadcast(queued[i: i + BROADCAST_BATCH]))

    async def _broadcast(self, items: list[tuple[bytes, asyncio.Future[dict[str, Any]]]]) -> None:
        if len(items) == 1:
            raw, done = items[0]
            try:
                result = await self.call("broadcast_tx_sync", tx=base64.b64encode(raw).decode())
            except Exception as e:
                if not done.done():
                    done.set_exception(e)
                return
            if not done.done():
                done.set_result(result)
            return
        ids = [next(self._ids) for _ in items]
        body = [{"jsonrpc": "2.0", "id": i, "method": "broadcast_tx_sync",
                 "params": {"tx": base64.b64encode(raw).decode()}} for i, (raw, _) in zip(ids, items, strict=True)]
        try:
            out = await self._post(body)
        except Exception as e:
            out = e
        answers = {a.get("id"): a for a in out if isinstance(a, dict)} if isinstance(out, list) else {}
        for i, (_, done) in zip(ids, items, strict=True):
            if done.done():
                continue
            answer = answers.get(i)
            if isinstance(out, BaseException):
                done.set_exception(out)
            elif answer is None:  # the whole batch was refused
                err = out.get("error") if isinstance(out, dict) else None
                done.set_exception(_comet_error(err) if err else server_error("consensus node: no answer"))
            elif answer.get("error"):
                done.set_exception(_comet_error(answer["error"]))
            else:
                done.set_result(answer.get("result"))

    async def unconfirmed_txs(self, limit: int = 100) -> list[bytes]:
        res = await self.call("unconfirmed_txs", limit=str(limit))
        return [base64.b64decode(t) for t in (res or {}).get("txs") or []]

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
