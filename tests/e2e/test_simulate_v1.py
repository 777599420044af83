"""eth_simulateV1 on a real node: state carries from call to call and block to block,
overrides and ordering rules apply, failures are reported per call."""

from __future__ import annotations

import pytest
from eth_abi import decode, encode
from eth_hash.auto import keccak

from tests.e2e.conftest import E2E
from tests.e2e.test_tracers import transfer  # noqa: F401 -- the module fixture: a deployed token
from tests.support.jsonrpc import rpc, web3_rpc

pytestmark = pytest.mark.e2e


def _data(sig: str, types: list[str], args: list) -> str:
    return "0x" + (keccak(sig.encode())[:4] + encode(types, args)).hex()


def _simulate(e2e: E2E, payload: dict) -> dict:
    return web3_rpc(e2e.http, "eth_simulateV1", [payload, "latest"])


def test_state_carries_across_calls_and_blocks(e2e: E2E, transfer) -> None:  # noqa: F811
    _, token, alice, bob = transfer
    carol = "0x" + "c0" * 20
    out = _simulate(e2e, {"blockStateCalls": [
        {"calls": [{"from": alice, "to": token, "data": _data("transfer(address,uint256)", ["address", "uint256"], [carol, 5])},
                   {"from": alice, "to": token, "data": _data("transfer(address,uint256)", ["address", "uint256"], [carol, 6])}]},
        {"blockOverrides": {"time": "0xffffffff"},
         "calls": [{"to": token, "data": _data("balanceOf(address)", ["address"], [carol])}]},
    ]})["result"]
    assert [c["status"] for c in out[0]["calls"]] == ["0x1", "0x1"]
    assert decode(["uint256"], bytes.fromhex(out[1]["calls"][0]["returnData"][2:])) == (11,)
    assert int(out[1]["number"], 16) == int(out[0]["number"], 16) + 1 and out[1]["timestamp"] == "0xffffffff"
    assert out[1]["parentHash"] == out[0]["hash"]
    log = out[0]["calls"][1]["logs"][0]
    assert (log["address"], log["logIndex"], log["transactionIndex"], log["blockHash"]) == (token, "0x1", "0x1", out[0]["hash"])
    real = rpc(e2e.http, "eth_call", [{"to": token, "data": _data("balanceOf(address)", ["address"], [carol])}])
    assert int(real["result"], 16) == 0  # nothing was written


def test_reverts_state_overrides_and_value_transfers(e2e: E2E, transfer) -> None:  # noqa: F811
    _, token, alice, bob = transfer
    rich = "0x" + "a1" * 20
    out = _simulate(e2e, {"traceTransfers": True, "blockStateCalls": [{
        "stateOverrides": {rich: {"balance": hex(10**18)}},
        "calls": [{"from": rich, "to": bob, "value": hex(12345)},
                  {"from": bob, "to": token, "data": _data("transfer(address,uint256)", ["address", "uint256"], [alice, 10**9])}],
    }]})["result"]
    sent, failed = out[0]["calls"]
    assert sent["status"] == "0x1" and sent["logs"] == [{
        "address": "0x" + "ee" * 20, "topics": ["0x" + keccak(b"Transfer(address,address,uint256)").hex(),
                                               "0x" + rich[2:].rjust(64, "0"), "0x" + bob[2:].rjust(64, "0")],
        "data": "0x" + (12345).to_bytes(32, "big").hex(), "blockNumber": out[0]["number"],
        "blockTimestamp": out[0]["timestamp"], "transactionHash": out[0]["transactions"][0], "transactionIndex": "0x0",
        "logIndex": "0x0", "removed": False, "blockHash": out[0]["hash"],
    }]
    assert failed["status"] == "0x0" and failed["error"]["code"] == 3
    assert failed["error"]["message"].startswith("execution reverted")


def test_ordering_and_validation_errors(e2e: E2E, transfer) -> None:  # noqa: F811
    _, _, alice, bob = transfer
    latest = int(rpc(e2e.http, "eth_blockNumber", [])["result"], 16)
    out = _simulate(e2e, {"blockStateCalls": [{"blockOverrides": {"number": hex(latest + 5)}},
                                              {"blockOverrides": {"number": hex(latest + 3)}}]})
    assert out["error"]["code"] == -38020
    nonce = int(rpc(e2e.http, "eth_getTransactionCount", [alice, "latest"])["result"], 16)
    out = _simulate(e2e, {"validation": True, "blockStateCalls": [
        {"calls": [{"from": alice, "to": bob, "value": "0x1", "nonce": hex(nonce + 1), "maxFeePerGas": hex(10**12)}]}]})
    assert out["error"]["code"] == -38011 and "nonce too high" in out["error"]["message"]
