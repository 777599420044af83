"""WebSocket subscriptions and polled filters, fed by newly indexed blocks."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time

import aiohttp
from eth_abi import encode
from eth_hash.auto import keccak

from tests.support.rpc_chain import ADDRESSES
from tests.unit.eth_rpc.conftest import Client

TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


def _transfer(rpc: Client, nonce: int) -> bytes:
    data = bytes.fromhex("a9059cbb") + encode(["address", "uint256"], [ADDRESSES[2], 1])
    return rpc.chain.sign(0, nonce=nonce, to=rpc.token, data=data)


_STASH: list[dict] = []


async def _rpc(ws: aiohttp.ClientWebSocketResponse, rid: int, method: str, *params: object) -> dict:
    """Send a request and wait for its answer; notifications meanwhile go to ``_STASH``."""
    await ws.send_str(json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": list(params)}))
    while True:
        msg = json.loads((await ws.receive(timeout=10)).data)
        if msg.get("id") == rid:
            return msg
        _STASH.append(msg)


async def _next(ws: aiohttp.ClientWebSocketResponse) -> dict:
    return _STASH.pop(0) if _STASH else json.loads((await ws.receive(timeout=10)).data)


def test_subscriptions(rpc: Client) -> None:
    async def run() -> None:
        async with aiohttp.ClientSession() as s, s.ws_connect(rpc.chain.ws_url) as ws:
            heads = (await _rpc(ws, 1, "eth_subscribe", "newHeads"))["result"]
            logs = (await _rpc(ws, 2, "eth_subscribe", "logs", {"address": rpc.token, "topics": [TRANSFER_TOPIC]}))["result"]
            pend = (await _rpc(ws, 3, "eth_subscribe", "newPendingTransactions"))["result"]
            assert (await _rpc(ws, 4, "eth_subscribe", "bogus"))["error"]["code"] == -32602
            nonce = int((await _rpc(ws, 5, "eth_getTransactionCount", ADDRESSES[0], "pending"))["result"], 16)
            sent = await _rpc(ws, 6, "eth_sendRawTransaction", "0x" + _transfer(rpc, nonce).hex())
            await asyncio.get_running_loop().run_in_executor(None, rpc.chain.mine)
            got: dict[str, list] = {heads: [], logs: [], pend: []}
            while not (got[heads] and got[logs] and got[pend]):
                msg = await _next(ws)
                assert msg["method"] == "eth_subscription"
                got[msg["params"]["subscription"]].append(msg["params"]["result"])
            assert got[pend] == [sent["result"]]
            assert got[logs][0]["transactionHash"] == sent["result"]
            assert int(got[heads][0]["number"], 16) == rpc.chain.height
            assert (await _rpc(ws, 7, "eth_unsubscribe", heads))["result"] is True
            assert (await _rpc(ws, 8, "eth_unsubscribe", heads))["result"] is False

    asyncio.run(run())


def test_subscription_limit_per_connection(rpc: Client) -> None:
    backend = rpc.chain.server.backend
    hub = backend.hub
    saved = hub.max_per_connection
    hub.max_per_connection = 2

    async def run() -> None:
        async with aiohttp.ClientSession() as s, s.ws_connect(rpc.chain.ws_url) as ws:
            for i in range(2):
                assert "result" in await _rpc(ws, i, "eth_subscribe", "newHeads")
            assert (await _rpc(ws, 9, "eth_subscribe", "newHeads"))["error"]["code"] == -32005

    try:
        asyncio.run(run())
    finally:
        hub.max_per_connection = saved


def test_ws_on_http_port_and_batches(rpc: Client) -> None:
    async def run() -> None:
        async with aiohttp.ClientSession() as s, s.ws_connect(rpc.chain.url.replace("http", "ws")) as ws:
            await ws.send_str(json.dumps([{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}]))
            assert json.loads((await ws.receive(timeout=10)).data)[0]["result"] == hex(713714)
            await ws.send_str("{oops")
            assert json.loads((await ws.receive(timeout=10)).data)["error"]["code"] == -32700

    asyncio.run(run())


def test_filters(rpc: Client) -> None:
    logs_f = rpc.call("eth_newFilter", {"address": rpc.token})
    blocks_f = rpc.call("eth_newBlockFilter")
    pend_f = rpc.call("eth_newPendingTransactionFilter")
    assert rpc.call("eth_getFilterChanges", logs_f) == []
    nonce = int(rpc.call("eth_getTransactionCount", ADDRESSES[0], "pending"), 16)
    h = rpc.call("eth_sendRawTransaction", "0x" + _transfer(rpc, nonce).hex())
    assert rpc.call("eth_getFilterChanges", pend_f) == [h]
    block = rpc.chain.mine()
    assert rpc.call("eth_getFilterChanges", blocks_f) == ["0x" + block.hash.hex()]
    changes = rpc.call("eth_getFilterChanges", logs_f)
    assert [lg["transactionHash"] for lg in changes] == [h]
    assert rpc.call("eth_getFilterChanges", logs_f) == []
    all_f = rpc.call("eth_newFilter", {"fromBlock": "0x1", "address": rpc.token})
    assert len(rpc.call("eth_getFilterLogs", all_f)) >= 3
    assert rpc.call("eth_uninstallFilter", logs_f) is True
    assert rpc.call("eth_uninstallFilter", logs_f) is False
    assert rpc.raw("eth_getFilterChanges", logs_f)["error"]["code"] == -32000


def test_filters_expire(rpc: Client) -> None:
    fm = rpc.chain.server.backend.filters
    fid = rpc.call("eth_newBlockFilter")
    saved = fm.timeout_s
    fm.timeout_s = 0
    try:
        fm.filters[fid] = dataclasses.replace(fm.filters[fid], deadline=0)
        fm.expire()
        assert rpc.raw("eth_getFilterChanges", fid)["error"]["message"] == "filter not found"
    finally:
        fm.timeout_s = saved


def test_pending_filter_sees_txs_that_reached_the_mempool_elsewhere(rpc: Client) -> None:

    fid = rpc.call("eth_newPendingTransactionFilter")
    nonce = int(rpc.call("eth_getTransactionCount", ADDRESSES[0], "pending"), 16)
    raw = _transfer(rpc, nonce)
    rpc.chain.pending.append(raw)  # as if gossiped from another node: not sent through this RPC
    deadline, seen = time.time() + 5, []
    while not seen and time.time() < deadline:
        time.sleep(0.3)
        seen = rpc.call("eth_getFilterChanges", fid)

    assert seen == ["0x" + keccak(raw).hex()]
    rpc.chain.mine()
