"""The calls a wallet (MetaMask-style) makes when it adds a custom network and sends a
transfer, replayed in order over plain JSON-RPC against a real node."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from eth_account import Account

from tests.e2e.conftest import E2E

pytestmark = pytest.mark.e2e


def call(url: str, method: str, *params: Any) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json", "Origin": "chrome-extension://wallet"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.headers["Access-Control-Allow-Origin"] == "*"
        out = json.loads(resp.read())
    assert "error" not in out, (method, out)
    return out["result"]


def test_wallet_connect_and_transfer(e2e: E2E) -> None:
    url = e2e.http
    sender = Account.from_key(e2e.keys["bob"])
    to = "0x" + "ab" * 20
    # adding the network
    assert int(call(url, "eth_chainId"), 16) == 713714
    assert call(url, "net_version") == "713714"
    assert int(call(url, "eth_blockNumber"), 16) >= 1
    balance = int(call(url, "eth_getBalance", sender.address, "latest"), 16)
    assert balance > 0
    # preparing a send
    latest = call(url, "eth_getBlockByNumber", "latest", False)
    base_fee = int(latest["baseFeePerGas"], 16)
    gas_price = int(call(url, "eth_gasPrice"), 16)
    history = call(url, "eth_feeHistory", "0x5", "latest", [10, 50, 90])
    assert len(history["baseFeePerGas"]) == len(history["gasUsedRatio"]) + 1
    tip = int(call(url, "eth_maxPriorityFeePerGas"), 16)
    assert gas_price >= tip
    gas = int(call(url, "eth_estimateGas", {"from": sender.address, "to": to, "value": hex(10**18)}), 16)
    assert gas == 21_000
    nonce = int(call(url, "eth_getTransactionCount", sender.address, "pending"), 16)
    tx = {
        "type": 2, "chainId": 713714, "nonce": nonce, "to": Account.from_key("0x" + "01" * 32).address, "value": 10**18,
        "gas": gas, "maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * base_fee + tip,
    }
    tx_hash = call(url, "eth_sendRawTransaction", "0x" + bytes(sender.sign_transaction(tx).raw_transaction).hex())
    # waiting for the receipt as wallets do: poll, then read the block
    deadline, receipt = time.time() + 30, None
    while receipt is None and time.time() < deadline:
        receipt = call(url, "eth_getTransactionReceipt", tx_hash)
        time.sleep(0.2)
    assert receipt is not None and receipt["status"] == "0x1" and receipt["gasUsed"] == hex(21_000)
    block = call(url, "eth_getBlockByNumber", receipt["blockNumber"], False)
    assert tx_hash in block["transactions"]
    after = int(call(url, "eth_getBalance", sender.address, "latest"), 16)
    assert after == balance - 10**18 - 21_000 * int(receipt["effectiveGasPrice"], 16)
    assert int(call(url, "eth_getTransactionCount", sender.address, "latest"), 16) == nonce + 1
