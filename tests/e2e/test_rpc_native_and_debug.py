"""On a real node: a native (Cosmos) bank send shows up in the Ethereum view as a
synthetic receipt (never "missing" from eth_getBlockReceipts), txpool_content reads
CometBFT's mempool, and debug_traceTransaction traces a mined EVM tx."""

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
    with urllib.request.urlopen(urllib.request.Request(url, body, {"Content-Type": "application/json"}), timeout=30) as r:
        out = json.loads(r.read())
    assert "error" not in out, (method, out)
    return out["result"]


def wait_receipt(url: str, tx_hash: str, timeout: float = 30) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = call(url, "eth_getTransactionReceipt", tx_hash)
        if r is not None:
            return r
        time.sleep(0.2)
    raise TimeoutError(tx_hash)


def test_native_send_has_a_synthetic_receipt(e2e: E2E) -> None:
    node = e2e.node
    out = node.pysei(
        "tx", "bank", "send", "validator", "sei1qyqszqgpqyqszqgpqyqszqgpqyqszqgpllsgta", "1000usei",
        "--fees", "4000usei", "--node", node.rpc_url, "--home", str(node.home), "--broadcast-mode", "commit",
    )
    result = json.loads(out.stdout)
    assert result["code"] == 0, result
    tx_hash = "0x" + result["hash"].lower()
    receipt = wait_receipt(e2e.http, tx_hash)
    assert receipt["status"] == "0x1" and receipt["type"] == "0x0" and int(receipt["gasUsed"], 16) > 0
    block_receipts = call(e2e.http, "eth_getBlockReceipts", receipt["blockNumber"])
    assert tx_hash in [r["transactionHash"] for r in block_receipts]
    tx = call(e2e.http, "eth_getTransactionByHash", tx_hash)
    assert tx["blockNumber"] == receipt["blockNumber"]
    assert tx["from"] == Account.from_key(e2e.keys["validator"]).address


def test_txpool_and_trace(e2e: E2E) -> None:
    url = e2e.http
    acct = Account.from_key(e2e.keys["alice"])
    nonce = int(call(url, "eth_getTransactionCount", acct.address, "pending"), 16)
    tx = {"type": 2, "chainId": 713714, "nonce": nonce, "to": Account.from_key("0x" + "cd" * 32).address, "value": 5, "gas": 21_000,
          "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9}
    raw = bytes(acct.sign_transaction(tx).raw_transaction)
    tx_hash = call(url, "eth_sendRawTransaction", "0x" + raw.hex())
    content = call(url, "txpool_content")  # may already be mined: then it is simply gone
    if content["pending"]:
        assert tx_hash in [t["hash"] for txs in content["pending"].values() for t in txs.values()]
    receipt = wait_receipt(url, tx_hash)
    trace = call(url, "debug_traceTransaction", tx_hash, {"tracer": "callTracer"})
    assert trace["type"] == "CALL" and trace["to"] == tx["to"].lower() and trace["value"] == "0x5"
    assert trace["gasUsed"] == receipt["gasUsed"]
    structs = call(url, "debug_traceBlockByNumber", receipt["blockNumber"])
    assert structs[int(receipt["transactionIndex"], 16)]["result"]["structLogs"] == []
