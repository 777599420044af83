"""The app's front on CometBFT's RPC address (``abci_app/node/cometbft_front.py``) on a real
lone validator: broadcasts are answered by the app and proposed from its local pool, with
CometBFT's answer shapes; every other request (POST, GET, WebSocket) reaches CometBFT."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import time
import urllib.request

import aiohttp
import pytest

from abci_app.cli.keyring import Keyring
from abci_app.cosmos_tx.builder import build_and_sign
from ledger import codes
from ledger.addresses import to_bech32
from tests.integration.test_node import FEE, GAS, account, send_msg
from tests.support.jsonrpc import raw_post

pytestmark = pytest.mark.integration


def post(url: str, body: object) -> object:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def call(method: str, call_id: int, **params: object) -> dict:
    return {"jsonrpc": "2.0", "id": call_id, "method": method, "params": params}


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def comet_url(node) -> str:
    """CometBFT's own RPC address, moved to a private port by ``pysei start`` (its log says where)."""
    found = re.findall(r"--rpc\.laddr tcp://(127\.0\.0\.1:\d+)", node.log_path.read_text(errors="replace"))
    assert found, node.tail_log()
    return "http://" + found[-1]


def signed_send(node, name: str, amount: int, sequence_offset: int = 0) -> bytes:
    ring = Keyring(node.home / "keys")
    key, to = ring.get(name), ring.get("alice" if name != "alice" else "bob")
    sender = to_bech32(key.sei_address)
    number, seq = account(node, sender)
    return build_and_sign(key.privkey, [send_msg(sender, to_bech32(to.sei_address), amount)], node.chain_id, number,
                          seq + sequence_offset, FEE, GAS)


def wait_tx(node, raw: bytes, timeout: float = 20) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        out = post(node.rpc_url, call("tx", 1, hash=b64(hashlib.sha256(raw).digest())))
        if "result" in out:
            return out["result"]
        time.sleep(0.2)
    raise AssertionError(f"tx not included: {node.tail_log()}")


def test_a_native_broadcast_is_admitted_by_the_app_and_included(node) -> None:
    raw = signed_send(node, "bob", 11)
    out = post(node.rpc_url, call("broadcast_tx_sync", 7, tx=b64(raw)))
    tx_hash = hashlib.sha256(raw).hexdigest().upper()
    assert out == {"jsonrpc": "2.0", "id": 7,
                   "result": {"code": 0, "data": "", "log": "", "codespace": "", "hash": tx_hash}}
    # held by the app, never in CometBFT's mempool
    assert post(node.rpc_url, call("num_unconfirmed_txs", 1))["result"]["n_txs"] == "0"
    found = wait_tx(node, raw)
    assert (found["hash"], found["tx_result"]["code"]) == (tx_hash, 0)


def test_a_batch_answers_in_order_and_a_repeated_tx_gets_cometbft_s_error(node) -> None:
    raw = signed_send(node, "bob", 12)
    out = post(node.rpc_url, [call("broadcast_tx_sync", 1, tx=b64(raw)), call("broadcast_tx_async", 2, tx=b64(raw))])
    assert out == [
        {"jsonrpc": "2.0", "id": 1, "result": {"code": 0, "data": "", "log": "", "codespace": "",
                                               "hash": hashlib.sha256(raw).hexdigest().upper()}},
        {"jsonrpc": "2.0", "id": 2, "error": {"code": -32603, "message": "Internal error",
                                              "data": "tx already exists in cache"}},
    ]
    wait_tx(node, raw)


def test_a_refused_tx_gets_the_same_answer_as_from_cometbft_itself(node) -> None:
    raw = signed_send(node, "bob", 13, sequence_offset=5)  # a sequence from the future
    direct = post(comet_url(node), call("broadcast_tx_sync", 3, tx=b64(raw)))
    front = post(node.rpc_url, call("broadcast_tx_sync", 3, tx=b64(raw)))
    assert front == direct
    assert front["result"]["code"] == codes.INVALID_SEQUENCE, front


def test_other_requests_reach_cometbft_unchanged(node) -> None:
    status = post(node.rpc_url, call("status", 4))
    assert status["result"]["node_info"]["network"] == node.chain_id
    with urllib.request.urlopen(node.rpc_url + "/health", timeout=10) as resp:
        assert (resp.status, json.loads(resp.read())) == (200, {"jsonrpc": "2.0", "id": -1, "result": {}})
    # a malformed call: CometBFT's own error
    bad = post(node.rpc_url, call("broadcast_tx_sync", 5, tx="not base64!"))
    assert bad == post(comet_url(node), call("broadcast_tx_sync", 5, tx="not base64!"))
    assert bad["error"]["code"] == -32602, bad


async def _first_new_block(url: str) -> tuple[dict, dict]:
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.send_str(json.dumps(call("subscribe", 9, query="tm.event='NewBlock'")))
        ack = json.loads((await ws.receive(timeout=30)).data)
        event = json.loads((await ws.receive(timeout=30)).data)
        return ack, event


def test_the_websocket_reaches_cometbft(node) -> None:
    ack, event = asyncio.run(_first_new_block(node.rpc_url.replace("http://", "ws://") + "/websocket"))
    assert ack == {"jsonrpc": "2.0", "id": 9, "result": {}}
    assert event["result"]["data"]["type"] == "tendermint/event/NewBlock", event


def test_a_deep_broadcast_body_gets_cometbft_s_own_answer_and_the_front_goes_on(node) -> None:
    deep = b'{"jsonrpc":"2.0","id":1,"method":"broadcast_tx_sync","params":{"tx":' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    assert raw_post(node.rpc_url, deep) == raw_post(comet_url(node), deep)
    assert post(node.rpc_url, call("status", 6))["result"]["node_info"]["network"] == node.chain_id


def test_a_body_past_cometbft_s_limit_is_refused_with_413(node) -> None:
    status, _ = raw_post(node.rpc_url, b" " * 5_000_001)
    assert status == 413
