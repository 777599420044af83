"""An asyncio client of a node's public interfaces: the Ethereum JSON-RPC, CometBFT's RPC
(app queries included, through ``abci_query``) and the Cosmos REST API. One session; every
answer is parsed with a nesting bound (``untrusted.json_text``)."""

from __future__ import annotations

import asyncio
import base64
import itertools
from collections.abc import Sequence
from typing import Any

import aiohttp

from explorer.api import ExplorerConfig, NodeDown, RpcError
from untrusted import json_text

#: Calls per batch: CometBFT's RPC takes at most 10; the JSON-RPC's ``rpc_max_batch`` (1,000) is
#: far above the 100 asked for at once here.
COMET_BATCH = 10
EVM_BATCH = 100
#: One JSON-RPC call: (method, params) where params is a list or an object.
Call = tuple[str, Any]


class NodeClient:
    def __init__(self, config: ExplorerConfig) -> None:
        self.config = config
        self._timeout = aiohttp.ClientTimeout(total=config.timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._ids = itertools.count(1)

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def _post(self, url: str, body: Any) -> Any:
        try:
            async with self._http().post(url, json=body) as resp:
                return json_text.loads(await resp.read())
        except (aiohttp.ClientError, TimeoutError, ValueError) as e:
            raise NodeDown(f"the node at {url} did not answer ({type(e).__name__})") from None

    async def _batch(self, url: str, calls: Sequence[Call], limit: int) -> list[Any]:
        """Results in call order, a failed call as its ``RpcError``; sent as batches of at
        most ``limit`` calls (the server's batch limit), concurrently."""
        parts = [calls[i : i + limit] for i in range(0, len(calls), limit)]
        answers = await asyncio.gather(*(self._batch_once(url, part) for part in parts))
        return [result for answer in answers for result in answer]

    async def _batch_once(self, url: str, calls: Sequence[Call]) -> list[Any]:
        ids = [next(self._ids) for _ in calls]
        body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in zip(ids, calls, strict=True)]
        out = await self._post(url, body)
        if isinstance(out, dict):  # the whole batch was refused
            return [_result(out)] * len(calls)
        if not isinstance(out, list):
            raise NodeDown(f"the node at {url} answered no JSON-RPC batch")
        by_id = {item.get("id"): item for item in out if isinstance(item, dict)}
        return [_result(by_id.get(i, {})) for i in ids]

    async def _one(self, url: str, method: str, params: Any) -> Any:
        out = await self._post(url, {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params})
        result = _result(out if isinstance(out, dict) else {})
        if isinstance(result, RpcError):
            raise result
        return result

    # ---- the Ethereum JSON-RPC ----

    async def evm(self, method: str, *params: Any) -> Any:
        return await self._one(self.config.evm_rpc, method, list(params))

    async def evm_batch(self, calls: Sequence[Call]) -> list[Any]:
        return await self._batch(self.config.evm_rpc, calls, EVM_BATCH)

    # ---- CometBFT ----

    async def comet(self, method: str, **params: Any) -> Any:
        return await self._one(self.config.cometbft_rpc, method, params)

    async def comet_batch(self, calls: Sequence[Call]) -> list[Any]:
        return await self._batch(self.config.cometbft_rpc, calls, COMET_BATCH)

    async def app_query(self, path: str, height: int = 0, data: bytes = b"") -> bytes:
        """An ABCI query's value; ``RpcError`` with the app's log when its code is not 0."""
        res = await self.comet("abci_query", path=path, data=data.hex(), height=str(height), prove=False)
        answer = res.get("response", {}) if isinstance(res, dict) else {}
        if int(answer.get("code", 0) or 0) != 0:
            raise RpcError(answer.get("log") or f"query {path} failed with code {answer.get('code')}")
        return base64.b64decode(answer.get("value") or "")

    async def app_queries(self, path: str, heights: Sequence[int]) -> list[bytes | RpcError]:
        """``app_query(path, h)`` for each height, batched."""
        calls = [("abci_query", {"path": path, "data": "", "height": str(h), "prove": False}) for h in heights]
        out: list[bytes | RpcError] = []
        for res in await self.comet_batch(calls):
            answer = res.get("response", {}) if isinstance(res, dict) else {}
            if isinstance(res, RpcError):
                out.append(res)
            elif int(answer.get("code", 0) or 0) != 0:
                out.append(RpcError(answer.get("log") or f"query {path} failed"))
            else:
                out.append(base64.b64decode(answer.get("value") or ""))
        return out

    # ---- the Cosmos REST API ----

    async def rest(self, path: str) -> Any:
        """The JSON of a GET; ``RpcError`` with the API's message on an error status."""
        url = self.config.rest.rstrip("/") + path
        try:
            async with self._http().get(url) as resp:
                status, body = resp.status, json_text.loads(await resp.read())
        except (aiohttp.ClientError, TimeoutError, ValueError) as e:
            raise NodeDown(f"the node at {self.config.rest} did not answer ({type(e).__name__})") from None
        if status != 200:
            raise RpcError(body.get("message", f"HTTP {status}") if isinstance(body, dict) else f"HTTP {status}")
        return body

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _result(answer: dict) -> Any:
    """The ``result`` of one JSON-RPC answer, or its error as an ``RpcError``."""
    err = answer.get("error")
    if err:
        if isinstance(err, dict):
            text = str(err.get("message", ""))
            if err.get("data"):
                text = f"{text}: {err['data']}"
            return RpcError(text)
        return RpcError(str(err))
    if "result" not in answer:
        return RpcError("no answer")
    return answer["result"]
