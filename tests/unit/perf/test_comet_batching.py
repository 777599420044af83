"""Concurrent broadcasts go to CometBFT in JSON-RPC batches; each caller gets its own answer."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from aiohttp import web

from evm_bridge.rpc.cometbft import BROADCAST_BATCH, CometClient, CometError


def _answer(req: dict[str, Any]) -> dict[str, Any]:
    tx = base64.b64decode(req["params"]["tx"])
    if tx.startswith(b"bad"):
        return {"jsonrpc": "2.0", "id": req["id"], "error": {"message": "Internal error", "data": "tx already exists in cache"}}
    return {"jsonrpc": "2.0", "id": req["id"], "result": {"code": 0, "hash": tx.hex()}}


async def _run(count: int) -> tuple[list[Any], list[int]]:
    bodies: list[int] = []

    async def handle(request: web.Request) -> web.Response:
        body = await request.json()
        if isinstance(body, list):
            bodies.append(len(body))
            return web.json_response([_answer(r) for r in body])
        bodies.append(1)
        return web.json_response(_answer(body))

    app = web.Application()
    app.router.add_post("/", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = CometClient(f"http://127.0.0.1:{port}")
    try:
        txs = [(b"bad%d" if i % 7 == 3 else b"ok%d") % i for i in range(count)]
        out = await asyncio.gather(*(client.broadcast_tx_sync(t) for t in txs), return_exceptions=True)
    finally:
        await client.close()
        await runner.cleanup()
    return out, bodies


@pytest.mark.parametrize("count", [1, 3, 25])
def test_each_broadcast_gets_its_own_answer(count: int) -> None:
    out, bodies = asyncio.run(_run(count))
    for i, answer in enumerate(out):
        if i % 7 == 3:
            assert isinstance(answer, CometError) and "already exists" in answer.text
        else:
            assert answer == {"code": 0, "hash": (b"ok%d" % i).hex()}
    assert sum(bodies) == count
    assert len(bodies) == -(-count // BROADCAST_BATCH)
