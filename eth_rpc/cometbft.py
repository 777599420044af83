"""An asyncio client of CometBFT's JSON-RPC (broadcast, mempool, status).

Broadcasts keep their order: each goes into one of ``LANES`` lanes chosen by its lane
key (the sender), and a lane sends its txs in arrival order, one JSON-RPC batch of at most
``BROADCAST_BATCH`` (CometBFT's default ``max_request_batch_size`` is 10) at a time;
CometBFT runs a batch's calls one after another, so one sender's txs reach CheckTx in the
order they reached the JSON-RPC (a JSON-RPC batch's calls in the batch's order), while
other senders' lanes proceed in parallel. A lone broadcast is sent as a plain call, so an
idle node answers as soon as before.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
from typing import Any

import aiohttp

from eth_rpc.errors import server_error

#: Most broadcasts per JSON-RPC batch (CometBFT's ``rpc.max_request_batch_size`` default).
BROADCAST_BATCH = 10
#: Broadcast lanes by default: requests to CometBFT in flight at once.
LANES = 8
#: Idle pooled connections are dropped after this many seconds: below CometBFT's RPC
#: server's idle close (its 10 s read timeout), so a request never goes out on a connection
#: the server has just closed (aiohttp's default, 15 s, races it: "ClientOSError").
KEEPALIVE_S = 5.0


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
    def __init__(self, url: str, timeout_s: float = 15.0, lanes: int = LANES) -> None:
        self.url = url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._ids = itertools.count(1)
        self._lanes: list[list[tuple[bytes, asyncio.Future[dict[str, Any]]]]] = [[] for _ in range(lanes)]
        self._draining = [False] * lanes

    async def _post(self, body: object) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S))
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

    async def broadcast_tx_sync(self, raw: bytes, lane: bytes = b"") -> dict[str, Any]:
        """CheckTx result of ``raw``; txs with the same ``lane`` key reach CometBFT in call order."""
        done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        i = int.from_bytes(lane[-2:], "big") % len(self._lanes) if lane else 0
        self._lanes[i].append((raw, done))
        if not self._draining[i]:
            self._draining[i] = True
            asyncio.ensure_future(self._drain(i))
        return await done

    async def _drain(self, i: int) -> None:
        """Send lane ``i``'s txs in order, one batch at a time (started on the next loop
        turn, so a JSON-RPC batch's broadcasts queued in this turn go out together)."""
        queue = self._lanes[i]
        try:
            while queue:
                chunk = queue[:BROADCAST_BATCH]
                del queue[:BROADCAST_BATCH]
                await self._broadcast(chunk)
        finally:
            self._draining[i] = False

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
