"""JSON-RPC 2.0 framing, geth's error codes, batch and body limits, CORS."""

from __future__ import annotations

import dataclasses
import json
import urllib.request

from tests.support.rpc_chain import CHAIN_ID
from tests.unit.eth_rpc.conftest import Client, post


def test_parse_error_and_invalid_requests(rpc: Client) -> None:
    status, out = post(rpc.url, b"{not json")
    assert status == 200 and out["error"]["code"] == -32700 and out["id"] is None
    assert post(rpc.url, [])[1]["error"]["code"] == -32600
    assert post(rpc.url, 5)[1]["error"]["code"] == -32600
    assert post(rpc.url, {"jsonrpc": "2.0", "id": 1, "method": 7})[1]["error"]["code"] == -32600
    assert post(rpc.url, {"jsonrpc": "1.0", "id": 1, "method": "eth_chainId"})[1]["error"]["code"] == -32600
    assert post(rpc.url, b'{"jsonrpc":"2.0","id":NaN,"method":"eth_chainId"}')[1]["error"]["code"] == -32700


def test_unknown_method_and_bad_params(rpc: Client) -> None:
    assert rpc.raw("eth_nope")["error"]["code"] == -32601
    out = rpc.raw("eth_getBalance", "0x1234")
    assert out["error"]["code"] == -32602 and "hex string has length 4, want 40" in out["error"]["message"]
    assert rpc.raw("eth_getBalance")["error"]["code"] == -32602
    assert rpc.raw("eth_chainId", 1)["error"]["code"] == -32602
    out = post(rpc.url, {"jsonrpc": "2.0", "id": "a", "method": "eth_chainId", "params": {"x": 1}})[1]
    assert out["error"]["code"] == -32602 and out["id"] == "a"
    assert rpc.raw("eth_getBlockByNumber", "0x01", False)["error"]["code"] == -32602
    assert rpc.raw("eth_getBlockByNumber", "bogus", False)["error"]["code"] == -32602


def test_batches(rpc: Client) -> None:
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_blockNumber"} for i in range(3)]
    batch.append({"jsonrpc": "2.0", "method": "eth_blockNumber"})  # a notification: no answer
    batch.append({"jsonrpc": "2.0", "id": 9, "method": "nope"})
    out = post(rpc.url, batch)[1]
    assert [o["id"] for o in out] == [0, 1, 2, 9] and out[3]["error"]["code"] == -32601
    limit = rpc.chain.server.backend.config.max_batch
    assert limit == 1000  # geth's BatchRequestLimit: a load geth takes in batches is taken here
    full = [{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(limit)]
    out = post(rpc.url, full)[1]
    assert [o["id"] for o in out] == list(range(limit)) and {o["result"] for o in out} == {hex(CHAIN_ID)}
    big = [{"jsonrpc": "2.0", "id": i, "method": "eth_blockNumber"} for i in range(limit + 1)]
    out = post(rpc.url, big)[1]
    assert isinstance(out, dict) and out["error"]["code"] == -32600 and "batch too large" in out["error"]["message"]


def test_body_limit_and_cors(rpc: Client) -> None:
    limit = rpc.chain.server.backend.config.max_body_bytes
    status, out = post(rpc.url, b"[" + b" " * limit + b"]")
    assert status == 413 and out["error"]["code"] == -32600
    req = urllib.request.Request(rpc.url, method="OPTIONS", headers={"Origin": "http://dapp.example"})
    with urllib.request.urlopen(req) as resp:
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
    req = urllib.request.Request(rpc.url, json.dumps({"jsonrpc": "2.0", "id": 1, "method": "net_version"}).encode(),
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        assert json.loads(resp.read())["result"] == "713714"


def test_subscribe_over_http_is_refused(rpc: Client) -> None:
    out = rpc.raw("eth_subscribe", "newHeads")
    assert out["error"]["code"] == -32601 and "notifications not supported" in out["error"]["message"]


def test_client_version_and_sha3(rpc: Client) -> None:
    assert rpc.call("web3_clientVersion") == "pysei/v0.1.0/python"
    assert rpc.call("web3_sha3", "0x") == "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"


def test_slow_calls_time_out(rpc: Client) -> None:

    backend = rpc.chain.server.backend
    saved, backend.config = backend.config, dataclasses.replace(backend.config, call_timeout_s=0.0)
    try:
        err = rpc.raw("eth_call", {"to": rpc.token, "data": "0x18160ddd"}, "latest")["error"]
        assert err["code"] == -32000 and "timeout" in err["message"]
    finally:
        backend.config = saved
    assert rpc.call("eth_call", {"to": rpc.token, "data": "0x18160ddd"}, "latest").endswith("0")


def test_batch_answers_past_the_size_cap_are_refused(rpc: Client) -> None:
    dispatcher = rpc.chain.server.dispatcher
    assert dispatcher.max_response_bytes == 25_000_000  # geth's BatchResponseMaxSize
    one = len(json.dumps({"jsonrpc": "2.0", "id": 0, "result": hex(CHAIN_ID)}, separators=(",", ":")))
    dispatcher.max_response_bytes = 2 * one + 1  # room for two answers
    try:
        out = post(rpc.url, [{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(4)])[1]
    finally:
        dispatcher.max_response_bytes = 25_000_000
    assert [o["id"] for o in out] == [0, 1, 2, 3]
    assert [o.get("result") for o in out] == [hex(CHAIN_ID), hex(CHAIN_ID), None, None]
    assert [o["error"] for o in out[2:]] == [{"code": -32003, "message": "response too large"}] * 2
