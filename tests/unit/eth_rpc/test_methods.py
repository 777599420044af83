"""Methods against the mini chain: state, calls, reverts, estimates, logs, txs, fees."""

from __future__ import annotations

import dataclasses

import pytest
from eth_abi import decode, encode
from eth_hash.auto import keccak

from eth_rpc.tracing import replay_evm_txs
from evm_bridge.basefee import next_base_fee
from tests.support.rpc_chain import ADDRESSES, FUNDS_WEI
from tests.unit.eth_rpc.conftest import Client, RpcFailure

A0, A1, A2 = ADDRESSES
TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


def balance_of(addr: str) -> str:
    return "0x70a08231" + encode(["address"], [addr]).hex()


def transfer_data(to: str, amount: int) -> str:
    return "0xa9059cbb" + encode(["address", "uint256"], [to, amount]).hex()


def test_balances_nonce_code_storage(rpc: Client) -> None:
    assert int(rpc.call("eth_getBalance", A2, "latest"), 16) == FUNDS_WEI + 10**18
    assert int(rpc.call("eth_getBalance", A2, "0x2"), 16) == FUNDS_WEI
    assert int(rpc.call("eth_getBalance", A2, {"blockNumber": "0x2"}), 16) == FUNDS_WEI
    h2 = rpc.call("eth_getBlockByNumber", "0x2", False)["hash"]
    assert int(rpc.call("eth_getBalance", A2, {"blockHash": h2}), 16) == FUNDS_WEI
    assert rpc.call("eth_getTransactionCount", A0, "latest") == "0x3"
    assert rpc.call("eth_getTransactionCount", A0, "0x1") == "0x1"
    assert rpc.call("eth_getTransactionCount", A0, "pending") == "0x3"
    assert len(rpc.call("eth_getCode", rpc.token, "latest")) > 100
    assert rpc.call("eth_getCode", A1, "latest") == "0x"
    # earliest: the oldest state held (version 1 here; genesis has no version of its own)
    assert rpc.call("eth_getTransactionCount", A0, "earliest") == rpc.call("eth_getTransactionCount", A0, "0x1")
    assert rpc.call("eth_getBalance", A2, h2) == rpc.call("eth_getBalance", A2, "0x2")  # a plain block hash
    assert rpc.call("eth_getStorageAt", rpc.token, "0x2", "latest") == "0x" + (10**24).to_bytes(32, "big").hex()
    with pytest.raises(RpcFailure) as e:
        rpc.call("eth_getBalance", A0, "0x99")
    assert e.value.error["code"] == -32000


def test_eth_call_and_revert_reason(rpc: Client) -> None:
    out = rpc.call("eth_call", {"to": rpc.token, "data": balance_of(A1)}, "latest")
    assert decode(["uint256"], bytes.fromhex(out[2:]))[0] == 5 * 10**18
    out = rpc.call("eth_call", {"to": rpc.token, "data": balance_of(A1)}, "0x1")
    assert int(out, 16) == 0
    err = rpc.raw("eth_call", {"from": A2, "to": rpc.token, "data": transfer_data(A0, 1)}, "latest")["error"]
    assert err["code"] == 3 and err["message"] == "execution reverted: TestToken: insufficient balance"
    assert err["data"].startswith("0x08c379a0")
    err = rpc.raw("eth_estimateGas", {"from": A2, "to": rpc.token, "data": transfer_data(A0, 1)})["error"]
    assert err["code"] == 3 and "insufficient balance" in err["message"]


def test_state_overrides(rpc: Client) -> None:
    slot = int.from_bytes(bytes.fromhex(encode(["address", "uint256"], [A2, 3]).hex()), "big")

    key = "0x" + keccak(slot.to_bytes(64, "big")).hex()
    overrides = {rpc.token: {"stateDiff": {key: "0x" + (7).to_bytes(32, "big").hex()}}}
    out = rpc.call("eth_call", {"to": rpc.token, "data": balance_of(A2)}, "latest", overrides)
    assert int(out, 16) == 7
    out = rpc.call("eth_call", {"to": rpc.token, "data": balance_of(A1)}, "latest", {rpc.token: {"state": {}}})
    assert int(out, 16) == 0
    rich = {"0x" + "44" * 20: {"balance": hex(10**30)}}
    assert rpc.call("eth_getBalance", "0x" + "44" * 20, "latest") == "0x0"
    assert rpc.call("eth_estimateGas", {"from": "0x" + "44" * 20, "to": A0, "value": hex(10**29)}, "latest", rich) == "0x5208"


def test_estimate_gas_and_access_list(rpc: Client) -> None:
    call = {"from": A0, "to": rpc.token, "data": transfer_data(A1, 1)}
    gas = int(rpc.call("eth_estimateGas", call), 16)
    used = rpc.call("debug_traceCall", call, "latest", {"tracer": "callTracer"})["gasUsed"]
    used = int(used, 16)
    # the estimate is a limit the call succeeds with, and the gas it uses is not enough below it
    assert rpc.raw("eth_call", {**call, "gas": hex(gas)})["result"] == "0x" + (1).to_bytes(32, "big").hex()
    assert rpc.raw("eth_call", {**call, "gas": hex(used - 1)})["error"]["code"] == -32000
    assert rpc.call("eth_estimateGas", {"from": A0, "to": A1, "value": "0x1"}) == "0x5208"
    al = rpc.call("eth_createAccessList", {"from": A0, "to": rpc.token, "data": transfer_data(A1, 1)})
    # as geth: the recipient is listed for the slots it touched (the two balances)
    assert [(e["address"], len(e["storageKeys"])) for e in al["accessList"]] == [(rpc.token.lower(), 2)]
    listed = [{"address": e["address"], "storageKeys": e["storageKeys"]} for e in al["accessList"]]
    rerun = rpc.call("eth_createAccessList", {**call, "accessList": listed})
    assert rerun["gasUsed"] == al["gasUsed"] and rerun["accessList"] == al["accessList"]  # stable
    al = rpc.call("eth_createAccessList", {"from": A0, "to": "0x" + "55" * 20,
                                           "data": "0x"}, "latest")
    assert "gasUsed" in al


def test_blocks_txs_receipts(rpc: Client) -> None:
    b1 = rpc.call("eth_getBlockByNumber", "0x1", True)
    b2 = rpc.call("eth_getBlockByHash", rpc.call("eth_getBlockByNumber", "0x2", False)["hash"], False)
    assert b2["parentHash"] == b1["hash"] and b2["number"] == "0x2"
    tx = b1["transactions"][0]
    assert tx["from"] == A0 and tx["to"] is None and tx["blockNumber"] == "0x1"
    assert rpc.call("eth_getTransactionByHash", tx["hash"]) == tx
    assert rpc.call("eth_getTransactionByBlockNumberAndIndex", "0x1", "0x0") == tx
    assert rpc.call("eth_getTransactionByBlockHashAndIndex", b1["hash"], "0x0") == tx
    assert rpc.call("eth_getTransactionByBlockNumberAndIndex", "0x1", "0x1") is None
    r = rpc.call("eth_getTransactionReceipt", tx["hash"])
    assert r["contractAddress"].lower() == rpc.token.lower() and r["status"] == "0x1"
    assert rpc.call("eth_getBlockReceipts", "0x1") == [r]
    assert rpc.call("eth_getBlockReceipts", b1["hash"]) == [r]
    assert rpc.call("eth_getBlockTransactionCountByNumber", "0x1") == "0x1"
    assert rpc.call("eth_getBlockTransactionCountByHash", b1["hash"]) == "0x1"
    assert rpc.call("eth_getBlockByNumber", "0x64", False) is None
    assert rpc.call("eth_getTransactionReceipt", "0x" + "00" * 32) is None
    g = rpc.call("eth_getBlockByNumber", "earliest", False)
    assert g["number"] == "0x0" and g["hash"] == b1["parentHash"]
    assert rpc.call("eth_getBlockByNumber", "finalized", False)["number"] == rpc.call("eth_blockNumber")


def test_get_logs(rpc: Client) -> None:
    logs = rpc.call("eth_getLogs", {"fromBlock": "0x1", "toBlock": "latest", "address": rpc.token})
    assert len(logs) == 2 and all(lg["topics"][0] == TRANSFER_TOPIC for lg in logs)
    to_a1 = "0x" + encode(["address"], [A1]).hex()
    logs = rpc.call("eth_getLogs", {"fromBlock": "earliest", "topics": [TRANSFER_TOPIC, None, [to_a1]]})
    assert len(logs) == 1 and logs[0]["blockNumber"] == "0x2"
    assert rpc.call("eth_getLogs", {"blockHash": logs[0]["blockHash"]}) == logs
    assert rpc.call("eth_getLogs", {"fromBlock": "0x1", "address": "0x" + "99" * 20}) == []
    backend = rpc.chain.server.backend
    saved, backend.config = backend.config, dataclasses.replace(backend.config, max_log_blocks=2)
    try:
        err = rpc.raw("eth_getLogs", {"fromBlock": "0x1", "toBlock": "0x3"})["error"]
        assert err["code"] == -32005 and "block range too large" in err["message"]
    finally:
        backend.config = saved


def test_fees(rpc: Client) -> None:
    head = rpc.call("eth_getBlockByNumber", "latest", False)
    next_fee = next_base_fee(*(int(head[k], 16) for k in ("baseFeePerGas", "gasUsed", "gasLimit")))
    assert int(rpc.call("eth_gasPrice"), 16) == next_fee + 10**9  # the next base fee + the tip paid lately
    assert int(rpc.call("eth_maxPriorityFeePerGas"), 16) == 10**9
    fh = rpc.call("eth_feeHistory", "0x2", "latest", [25, 75])
    assert fh["oldestBlock"] == "0x2" and len(fh["baseFeePerGas"]) == 3 and len(fh["reward"]) == 2
    assert fh["reward"][0] == [hex(10**9), hex(10**9)]
    assert rpc.call("eth_feeHistory", 1, "latest", [])["oldestBlock"] == "0x3"
    assert rpc.raw("eth_feeHistory", 1, "latest")["error"]["code"] == -32602  # rewardPercentiles required
    assert rpc.raw("eth_feeHistory", "0x2", "latest", [75, 25])["error"]["code"] == -32602


def test_send_raw_transaction_flow(rpc: Client) -> None:
    chain = rpc.chain
    raw = chain.sign(1, nonce=0, to=A0, value=1, gas=21_000)
    h = rpc.call("eth_sendRawTransaction", "0x" + raw.hex())
    pending = rpc.call("eth_getTransactionByHash", h)
    assert pending["blockHash"] is None and pending["from"] == A1
    assert rpc.call("eth_getTransactionCount", A1, "pending") == "0x1"
    content = rpc.call("txpool_content")
    assert content["pending"][A1]["0"]["hash"] == h
    err = rpc.raw("eth_sendRawTransaction", "0x" + raw.hex())["error"]
    assert err == {"code": -32000, "message": "already known"}
    assert rpc.raw("eth_sendRawTransaction", "0x1234")["error"]["code"] == -32000
    chain.mine()
    assert rpc.call("eth_getTransactionReceipt", h)["status"] == "0x1"
    assert rpc.call("txpool_content")["pending"] == {}


def test_traces(rpc: Client) -> None:
    tx = rpc.call("eth_getBlockByNumber", "0x2", False)["transactions"][0]
    call = rpc.call("debug_traceTransaction", tx, {"tracer": "callTracer"})
    assert call["type"] == "CALL" and call["to"].lower() == rpc.token.lower() and call["output"].endswith("1")
    structs = rpc.call("debug_traceTransaction", tx)
    assert structs["failed"] is False and structs["structLogs"][0]["op"] == "PUSH1"
    assert rpc.call("debug_traceBlockByNumber", "0x2", {"tracer": "callTracer"})[0]["txHash"] == tx
    assert rpc.raw("debug_traceTransaction", tx, {"tracer": "4byteTracer"})["error"]["code"] == -32602


def test_trace_second_tx_of_a_block_sees_the_first(rpc: Client) -> None:
    chain = rpc.chain
    nonce = int(rpc.call("eth_getTransactionCount", A2, "pending"), 16)
    # A2 has no tokens: the first tx gives it some, the second (same block) spends them.
    n0 = int(rpc.call("eth_getTransactionCount", A0, "pending"), 16)
    fund = chain.sign(0, nonce=n0, to=rpc.token, data=bytes.fromhex(transfer_data(A2, 10)[2:]))
    spend = chain.sign(2, nonce=nonce, to=rpc.token, data=bytes.fromhex(transfer_data(A1, 10)[2:]))
    block = chain.mine([fund, spend])
    traces = rpc.call("debug_traceBlockByNumber", hex(block.height), {"tracer": "callTracer"})
    assert len(traces) == 2 and all("error" not in t["result"] for t in traces)
    second = rpc.call("debug_traceTransaction", traces[1]["txHash"], {"tracer": "callTracer"})
    assert second == traces[1]["result"]
    logs = rpc.call("debug_traceTransaction", traces[1]["txHash"])["structLogs"]
    assert any(s["op"] == "SSTORE" for s in logs) and all(s["gasCost"] >= 0 for s in logs)
    stores = [s for s in logs if s["op"] == "SSTORE"]
    assert all(len(k) == 64 and len(v) == 64 for s in stores for k, v in s["storage"].items())
    assert int(stores[-1]["storage"][stores[-1]["stack"][-1][2:].rjust(64, "0")], 16) > 0


def test_check_tx_rejection_maps_to_geth_error(rpc: Client) -> None:
    comet = rpc.chain.server.backend.comet
    original = comet.broadcast_tx_sync

    async def reject(raw: bytes, lane: bytes = b"") -> dict:
        return {"code": 3, "log": "nonce too low: address X, tx: 0 state: 3", "hash": ""}

    comet.broadcast_tx_sync = reject
    try:
        raw = rpc.chain.sign(0, nonce=0, to=A1, value=1, gas=21_000)
        err = rpc.raw("eth_sendRawTransaction", "0x" + raw.hex())["error"]
        assert err == {"code": -32000, "message": "nonce too low: address X, tx: 0 state: 3"}
        bad_chain = rpc.chain.sign(0, nonce=0, to=A1, gas=21_000, chainId=1)
        err = rpc.raw("eth_sendRawTransaction", "0x" + bad_chain.hex())["error"]
        assert err["code"] == -32000 and "invalid chain id" in err["message"]
    finally:
        comet.broadcast_tx_sync = original


def test_traces_replay_every_earlier_tx_of_the_block_through_the_backend_replayer(rpc: Client) -> None:

    backend = rpc.chain.server.backend
    calls: list[list[bytes]] = []
    inner = replay_evm_txs(backend.config.evm_chain_id, backend.precompiles)

    def recording(view, ctx, raws):  # noqa: ANN001, ANN202
        calls.append(list(raws))
        inner(view, ctx, raws)

    height = max(h for h in range(1, rpc.chain.height + 1) if backend.index.evm_count(h) == 2)
    raws = backend.index.raw_txs(height)
    backend.replay = recording
    try:
        rpc.call("debug_traceBlockByNumber", hex(height), {"tracer": "callTracer"})
        assert calls == [[], [raws[0]]]
        calls.clear()
        second = backend.index.receipts(height)[1]["transactionHash"]
        rpc.call("debug_traceTransaction", second, {"tracer": "callTracer"})
        assert calls == [[raws[0]]]
    finally:
        backend.replay = None
