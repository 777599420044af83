"""Concurrent broadcasts go to CometBFT in JSON-RPC batches; each caller gets its own answer."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from aiohttp import web

from eth_rpc.cometbft import BROADCAST_BATCH, CometClient, CometError


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


async def _arrival_order(calls: list[tuple[bytes, bytes]], slow: bytes) -> list[bytes]:
    """Broadcast ``(tx, lane)`` pairs at once to a CometBFT stand-in that checks a request
    led by ``slow`` slowly; return the order in which it checked the txs."""
    seen: list[bytes] = []

    async def handle(request: web.Request) -> web.Response:
        body = await request.json()
        reqs = body if isinstance(body, list) else [body]
        txs = [base64.b64decode(r["params"]["tx"]) for r in reqs]
        await asyncio.sleep(0.1 if txs[0] == slow else 0.0)
        seen.extend(txs)
        answers = [_answer(r) for r in reqs]
        return web.json_response(answers if isinstance(body, list) else answers[0])

    app = web.Application()
    app.router.add_post("/", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = CometClient(f"http://127.0.0.1:{port}")
    try:
        await asyncio.gather(*(client.broadcast_tx_sync(tx, lane) for tx, lane in calls))
    finally:
        await client.close()
        await runner.cleanup()
    return seen


def test_one_senders_broadcasts_reach_cometbft_in_call_order() -> None:
    sender = b"\x07" * 20
    calls = [(b"ok-%d" % i, sender) for i in range(35)]
    assert asyncio.run(_arrival_order(calls, slow=b"ok-0")) == [tx for tx, _ in calls]


def test_senders_in_other_lanes_do_not_wait_for_each_other() -> None:
    calls = [(b"ok-a-%d" % i, b"\x00" * 20) for i in range(12)] + [(b"ok-b-%d" % i, b"\x01" * 20) for i in range(3)]
    seen = asyncio.run(_arrival_order(calls, slow=b"ok-a-0"))
    assert seen.index(b"ok-b-0") < seen.index(b"ok-a-10")  # lane b went while lane a's first batch waited
    assert [t for t in seen if t.startswith(b"ok-a")] == [tx for tx, _ in calls[:12]]
