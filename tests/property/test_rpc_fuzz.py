"""Fuzz the JSON-RPC server: random JSON bodies and random params for every method.

The server must never crash and must always answer valid JSON-RPC 2.0: each answer has
``jsonrpc`` "2.0", an ``id`` and exactly one of ``result`` / ``error`` (with an integer
code and a string message). No method may fail with an internal error (-32603): every
bad input must be reported as what it is.
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlparse

import pytest
from eth_abi import encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import connect

from eth_rpc.method_table import build_method_table
from tests.support.rpc_chain import ADDRESSES, MiniChain

METHODS = sorted(build_method_table())
ALLOWED_CODES = {
    -32700, -32600, -32601, -32602, -32000, -32005, 3,
    -32001,  # resource not found (block access lists: not on this fork)
    -38010, -38011, -38012, -38014, -38015, -38020, -38021,  # eth_simulateV1's own
}


class Http:
    def __init__(self, url: str) -> None:
        u = urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)

    def post(self, body: bytes) -> tuple[int, bytes]:
        self.conn.request("POST", "/", body, {"Content-Type": "application/json"})
        resp = self.conn.getresponse()
        return resp.status, resp.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Any:
    chain = MiniChain(tmp_path_factory.mktemp("fuzzchain"), max_batch=20, max_body_bytes=200_000)
    chain.start()
    chain.mine([chain.sign(0, nonce=0, to=ADDRESSES[1], value=5)])
    code = bytes.fromhex("6080604052348015600e575f80fd5b50")  # a tiny init code
    chain.mine([chain.sign(0, nonce=1, data=code)])
    yield chain, Http(chain.url)
    chain.close()


def check_answer(item: Any) -> None:
    assert isinstance(item, dict), item
    assert item.get("jsonrpc") == "2.0", item
    assert "id" in item, item
    assert ("result" in item) != ("error" in item), item
    if "error" in item:
        err = item["error"]
        assert isinstance(err.get("code"), int) and isinstance(err.get("message"), str), item
        assert err["code"] in ALLOWED_CODES, item


def _strict(name: str) -> Any:
    raise AssertionError(f"answer contains {name}, which is not JSON")


def _has_constants(text: str) -> bool:
    """True when ``text`` holds NaN or Infinity (Python writes them; JSON has no such thing)."""
    try:
        json.loads(text, parse_constant=_strict)
    except AssertionError:
        return True
    return False


def check_body(status: int, raw: bytes, expect_answer: bool) -> None:
    assert status in (200, 413), status
    if not raw:
        assert not expect_answer
        return
    out = json.loads(raw, parse_constant=_strict)  # NaN / Infinity are not JSON
    for item in out if isinstance(out, list) else [out]:
        check_answer(item)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)

hexes = st.integers(0, 2**260).map(hex) | st.binary(max_size=40).map(lambda b: "0x" + b.hex())
addresses = st.sampled_from(ADDRESSES + ["0x" + "00" * 20, "0x" + "ff" * 20]) | st.binary(min_size=20, max_size=20).map(
    lambda b: "0x" + b.hex()
)
tags = st.sampled_from(["latest", "pending", "safe", "finalized", "earliest", "0x0", "0x1", "0x2", "0x3", "0xffff"])
hashes = st.binary(min_size=32, max_size=32).map(lambda b: "0x" + b.hex())
call_objects = st.fixed_dictionaries(
    {},
    optional={
        "from": addresses, "to": addresses | st.none(), "gas": hexes, "value": hexes, "gasPrice": hexes,
        "data": hexes | st.just("0x70a08231" + encode(["address"], [ADDRESSES[0]]).hex()), "input": hexes,
        "maxFeePerGas": hexes, "nonce": hexes,
    },
)
filters = st.fixed_dictionaries(
    {},
    optional={
        "fromBlock": tags | hexes, "toBlock": tags | hexes, "address": addresses | st.lists(addresses, max_size=3),
        "topics": st.lists(st.none() | hashes | st.lists(hashes | st.none(), max_size=2), max_size=5),
        "blockHash": hashes,
    },
)
plausible = (
    hexes | addresses | tags | hashes | call_objects | filters | st.booleans()
    | st.fixed_dictionaries({"tracer": st.sampled_from(["callTracer", "x", None])})
    | st.fixed_dictionaries({"blockNumber": tags}) | st.fixed_dictionaries({"blockHash": hashes})
    | st.lists(st.integers(-5, 120), max_size=4)
    | st.dictionaries(addresses, st.fixed_dictionaries({}, optional={"balance": hexes, "nonce": hexes, "code": hexes}), max_size=2)
)
params = st.lists(plausible | json_values, max_size=5)
fuzz = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@fuzz
@given(method=st.sampled_from(METHODS), args=params, rid=st.integers(0, 2**31) | st.text(max_size=5) | st.floats())
def test_every_method_answers_valid_json_rpc(server: Any, method: str, args: list, rid: Any) -> None:
    _, http_ = server
    body = json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": args})
    status, raw = http_.post(body.encode())
    check_body(status, raw, True)
    if _has_constants(body):
        assert json.loads(raw)["error"]["code"] == -32700
    else:
        assert json.loads(raw)["id"] == rid


@fuzz
@given(body=json_values)
def test_random_json_bodies(server: Any, body: Any) -> None:
    _, http_ = server
    status, raw = http_.post(json.dumps(body).encode())
    check_body(status, raw, not (isinstance(body, list) and body and all(isinstance(x, dict) and "id" not in x for x in body)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_bytes(server: Any, body: bytes) -> None:
    _, http_ = server
    status, raw = http_.post(body)
    check_body(status, raw, False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(calls=st.lists(st.tuples(st.sampled_from(METHODS), params), min_size=1, max_size=25))
def test_batches(server: Any, calls: list) -> None:
    _, http_ = server
    batch = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p} for i, (m, p) in enumerate(calls)]
    body = json.dumps(batch)
    status, raw = http_.post(body.encode())
    check_body(status, raw, True)
    out = json.loads(raw)
    if _has_constants(body):
        assert out["error"]["code"] == -32700
    elif len(batch) > 20:
        assert out["error"]["code"] == -32600
    else:
        assert sorted(o["id"] for o in out) == list(range(len(batch)))


def test_server_still_serves_after_fuzzing(server: Any) -> None:
    chain, http_ = server
    status, raw = http_.post(b'{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}')
    assert json.loads(raw)["result"] == hex(chain.height)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=st.lists(json_values.map(json.dumps) | st.tuples(st.sampled_from(METHODS), params).map(
    lambda mp: json.dumps({"jsonrpc": "2.0", "id": 7, "method": mp[0], "params": mp[1]})), min_size=1, max_size=4))
def test_websocket_messages(server: Any, messages: list[str]) -> None:
    """Over one WebSocket: every message with an id gets a valid answer; the socket stays up."""

    chain, _ = server
    with connect(chain.ws_url, open_timeout=10) as ws:
        for text in messages:
            ws.send(text)
            msg = json.loads(text)
            wants = not (isinstance(msg, list) and msg and all(isinstance(x, dict) and "id" not in x for x in msg))
            if not wants or (isinstance(msg, dict) and "id" not in msg and isinstance(msg.get("method"), str)):
                continue
            while True:
                answer = json.loads(ws.recv(timeout=30))
                if isinstance(answer, dict) and answer.get("method") == "eth_subscription":
                    continue
                break
            for item in answer if isinstance(answer, list) else [answer]:
                check_answer(item)
        ws.send('{"jsonrpc":"2.0","id":"last","method":"eth_chainId"}')
        while True:
            last = json.loads(ws.recv(timeout=30))
            if isinstance(last, dict) and last.get("id") == "last":
                break
        assert last["result"] == hex(713714)
