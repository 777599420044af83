"""geth's tracers and their options on a real node, on a token transfer whose effects are
known exactly: callTracer (withLog, onlyTopCall), flatCallTracer, prestateTracer (plain
and diffMode), and the struct logger's options."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_account import Account
from eth_hash.auto import keccak

from ledger.addresses import to_checksum_evm
from tests.e2e.conftest import E2E
from tests.support.jsonrpc import CHAIN_ID, rpc, wait_receipt, web3_rpc

pytestmark = pytest.mark.e2e
TRANSFER_TOPIC = "0x" + keccak(b"Transfer(address,address,uint256)").hex()


def _send(e2e: E2E, tx: dict) -> dict:
    key = e2e.keys["alice"]
    alice = Account.from_key(key).address
    price = int(rpc(e2e.http, "eth_gasPrice", [])["result"], 16)
    nonce = int(rpc(e2e.http, "eth_getTransactionCount", [alice, "pending"])["result"], 16)
    full = {"type": 2, "nonce": nonce, "chainId": CHAIN_ID, "maxFeePerGas": 2 * price,
            "maxPriorityFeePerGas": price // 10 or 1, "value": 0, **tx}
    raw = Account.sign_transaction(full, key).raw_transaction
    return wait_receipt(e2e.http, rpc(e2e.http, "eth_sendRawTransaction", ["0x" + raw.hex()])["result"])


@pytest.fixture(scope="module")
def transfer(e2e: E2E) -> tuple[dict, str, str, str]:
    """(receipt of a 7-token transfer alice -> bob, token, alice, bob)."""
    alice = Account.from_key(e2e.keys["alice"]).address.lower()
    bob = Account.from_key(e2e.keys["bob"]).address.lower()
    deploy = e2e.bytecode + encode(["string", "string", "uint256"], ["Trace", "TRC", 1000])
    token = _send(e2e, {"gas": 2_000_000, "data": deploy})["contractAddress"].lower()
    data = keccak(b"transfer(address,uint256)")[:4] + encode(["address", "uint256"], [bob, 7])
    receipt = _send(e2e, {"gas": 100_000, "to": to_checksum_evm(bytes.fromhex(token[2:])), "data": data})
    assert receipt["status"] == "0x1"
    return receipt, token, alice, bob


def _trace(e2e: E2E, tx_hash: str, config: dict) -> dict:
    out = web3_rpc(e2e.http, "debug_traceTransaction", [tx_hash, config])
    assert "error" not in out, out
    return out["result"]


def test_call_tracer_with_logs(e2e: E2E, transfer) -> None:
    receipt, token, alice, bob = transfer
    frame = _trace(e2e, receipt["transactionHash"], {"tracer": "callTracer", "tracerConfig": {"withLog": True}})
    assert (frame["type"], frame["from"], frame["to"], frame["gasUsed"]) == ("CALL", alice, token, receipt["gasUsed"])
    assert frame["logs"] == [{
        "address": token, "topics": [TRANSFER_TOPIC, "0x" + alice[2:].rjust(64, "0"), "0x" + bob[2:].rjust(64, "0")],
        "data": "0x" + (7).to_bytes(32, "big").hex(), "position": "0x0",
    }]


def test_only_top_call_and_flat_tracer(e2e: E2E, transfer) -> None:
    receipt, token, alice, _ = transfer
    top = _trace(e2e, receipt["transactionHash"], {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": True}})
    assert "calls" not in top and "logs" not in top
    flat = _trace(e2e, receipt["transactionHash"], {"tracer": "flatCallTracer"})
    assert flat == [{
        "action": {"callType": "call", "from": alice, "gas": top["gas"], "input": top["input"], "to": token,
                   "value": "0x0"},
        "blockHash": receipt["blockHash"], "blockNumber": int(receipt["blockNumber"], 16),
        "result": {"gasUsed": receipt["gasUsed"], "output": top["output"]},
        "subtraces": 0, "traceAddress": [], "transactionHash": receipt["transactionHash"],
        "transactionPosition": int(receipt["transactionIndex"], 16), "type": "call",
    }]


def test_prestate_and_diff(e2e: E2E, transfer) -> None:
    receipt, token, alice, bob = transfer
    balance_slot = lambda who: "0x" + keccak(bytes.fromhex(who[2:].rjust(64, "0")) + (3).to_bytes(32, "big")).hex()  # noqa: E731
    pre = _trace(e2e, receipt["transactionHash"], {"tracer": "prestateTracer"})
    assert pre[token]["storage"][balance_slot(alice)] == "0x" + (1000).to_bytes(32, "big").hex()
    assert balance_slot(bob) not in pre[token].get("storage", {})  # zero before: not shown
    assert pre[alice]["nonce"] == int(rpc(e2e.http, "eth_getTransactionCount", [alice, hex(
        int(receipt["blockNumber"], 16) - 1)])["result"], 16)
    diff = _trace(e2e, receipt["transactionHash"], {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}})
    assert diff["post"][token]["storage"] == {
        balance_slot(alice): "0x" + (993).to_bytes(32, "big").hex(),
        balance_slot(bob): "0x" + (7).to_bytes(32, "big").hex(),
    }
    assert diff["post"][alice]["nonce"] == diff["pre"][alice]["nonce"] + 1
    fee = int(receipt["gasUsed"], 16) * int(receipt["effectiveGasPrice"], 16)
    assert int(diff["pre"][alice]["balance"], 16) - int(diff["post"][alice]["balance"], 16) == fee


def test_struct_logger_options(e2e: E2E, transfer) -> None:
    receipt = transfer[0]
    plain = _trace(e2e, receipt["transactionHash"], {})
    lean = _trace(e2e, receipt["transactionHash"], {"disableStack": True, "disableStorage": True,
                                                    "enableMemory": True, "enableReturnData": True})
    assert len(plain["structLogs"]) == len(lean["structLogs"]) > 0
    assert all("stack" in s for s in plain["structLogs"]) and not any("stack" in s for s in lean["structLogs"])
    assert any("storage" in s for s in plain["structLogs"]) and not any("storage" in s for s in lean["structLogs"])
    assert lean["structLogs"][0]["memory"] == [] and lean["structLogs"][-1]["memory"][2] == "00" * 31 + "80"
    assert all(s["returnData"] == "0x" for s in lean["structLogs"])
