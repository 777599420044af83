"""Simulations run in the next block's context and on the block's execution path: an
estimate made at ``latest`` is enough for the next block, block and state overrides
apply, call objects' access lists count, and debug_traceCall reports the tx's gas."""

from __future__ import annotations

from pathlib import Path

import pytest
from eth_abi import decode
from eth_hash.auto import keccak

from tests.support.rpc_chain import ADDRESSES, MiniChain
from tests.support.solc import compile_contract
from tests.unit.eth_rpc.conftest import Client, RpcFailure

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
A1 = ADDRESSES[1]


def sel(signature: str) -> str:
    return "0x" + keccak(signature.encode())[:4].hex()


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Client:
    clocked = compile_contract(CONTRACTS / "Clocked.sol", "Clocked")[1]
    counter = compile_contract(CONTRACTS / "Counter.sol", "Counter")[1]
    chain = MiniChain(tmp_path_factory.mktemp("simchain"))
    chain.start()
    chain.mine([chain.sign(1, nonce=0, data=clocked), chain.sign(1, nonce=1, data=counter)])
    receipts = chain.index.receipts(1)
    addresses = [r["contractAddress"] for r in receipts]
    assert [r["status"] for r in receipts] == ["0x1", "0x1"]
    client = Client(chain, addresses[0], [])
    client.counter = addresses[1]  # type: ignore[attr-defined]
    yield client
    chain.close()


def _mine_one(c: Client, raw: bytes) -> dict:
    block = c.chain.mine([raw])
    return c.chain.index.receipts(block.height)[0]


def test_estimate_at_latest_is_enough_for_the_next_block(chain: Client) -> None:
    c = chain
    nonce = int(c.call("eth_getTransactionCount", A1, "latest"), 16)
    assert _mine_one(c, c.chain.sign(1, nonce=nonce, to=c.token, data=sel("init()")))["status"] == "0x1"
    # The state after this block says "written at this block's time": a simulation in the
    # same block would skip the writes; the next block makes them.
    gas = int(c.call("eth_estimateGas", {"from": A1, "to": c.token, "data": sel("poke()")}, "latest"), 16)
    receipt = _mine_one(c, c.chain.sign(1, nonce=nonce + 1, to=c.token, data=sel("poke()"), gas=gas))
    assert receipt["status"] == "0x1"
    used = int(receipt["gasUsed"], 16)
    assert used > 21_000 + 4 * 20_000  # the four fresh observations were written
    assert used <= gas <= used * 1015 // 1000 + 2_300 * 64 // 63 + 1
    parent = hex(int(receipt["blockNumber"], 16) - 1)
    at = {"from": A1, "to": c.token, "data": sel("poke()"), "gas": hex(gas)}
    traced = c.call("debug_traceCall", at, parent, {"tracer": "callTracer"})
    assert int(traced["gasUsed"], 16) == used
    assert c.call("debug_traceCall", at, parent)["gas"] == used
    listed = c.call("eth_createAccessList", at, parent)
    with_list = {**at, "accessList": listed["accessList"]}
    assert [e["address"] for e in listed["accessList"]] == [c.token.lower()]
    assert listed["gasUsed"] == c.call("debug_traceCall", with_list, parent, {"tracer": "callTracer"})["gasUsed"]
    # same block context (block overrides: the parent's own time) -> no write, 21k + reads
    parent_time = c.call("eth_getBlockByNumber", parent, False)["timestamp"]
    skipped = c.call("debug_traceCall", at, parent, {"tracer": "callTracer", "blockOverrides": {"time": parent_time}})
    assert int(skipped["gasUsed"], 16) < 30_000


def test_block_overrides_in_eth_call(chain: Client) -> None:
    c = chain
    latest = int(c.call("eth_blockNumber"), 16)
    out = c.call("eth_call", {"to": c.counter, "data": sel("blockInfo()")}, "latest")
    number, time, chain_id, miner, fee = decode(["uint256", "uint256", "uint256", "address", "uint256"],
                                                bytes.fromhex(out[2:]))
    header = c.call("eth_getBlockByNumber", hex(latest), False)
    assert (number, time, chain_id) == (latest + 1, int(header["timestamp"], 16) + 1, 713714)
    assert miner.lower() == header["miner"] and fee == int(c.call("eth_gasPrice"), 16) - 10**9
    overrides = {"number": "0x99", "time": "0x1234", "feeRecipient": "0x" + "ab" * 20, "baseFeePerGas": "0x7"}
    out = c.call("eth_call", {"to": c.counter, "data": sel("blockInfo()")}, "latest", None, overrides)
    assert decode(["uint256", "uint256", "uint256", "address", "uint256"], bytes.fromhex(out[2:])) == (
        0x99, 0x1234, 713714, "0x" + "ab" * 20, 7)


def test_access_list_in_call_objects_counts(chain: Client) -> None:
    c = chain
    base = {"from": A1, "to": c.counter, "data": sel("increment()")}
    plain = int(c.call("debug_traceCall", base, "latest", {"tracer": "callTracer"})["gasUsed"], 16)
    listed = c.call("eth_createAccessList", base, "latest")
    slots = ["0x" + bytes(32).hex(), "0x" + (1).to_bytes(32, "big").hex()]
    assert listed["accessList"] == [{"address": c.counter.lower(), "storageKeys": slots}]
    with_list = {**base, "accessList": listed["accessList"]}
    used = int(c.call("debug_traceCall", with_list, "latest", {"tracer": "callTracer"})["gasUsed"], 16)
    # 2,400 for the address and 1,900 per slot up front; two cold slot reads (2,000 each) saved
    assert used == plain + 2_400 + 2 * 1_900 - 2 * 2_000 == int(listed["gasUsed"], 16)
    gas = int(c.call("eth_estimateGas", with_list, "latest"), 16)
    nonce = int(c.call("eth_getTransactionCount", A1, "latest"), 16)
    raw = c.chain.sign(1, nonce=nonce, to=c.counter, data=sel("increment()"), gas=gas,
                       accessList=listed["accessList"])
    receipt = _mine_one(c, raw)
    assert receipt["status"] == "0x1" and int(receipt["gasUsed"], 16) == used


def test_state_overrides_in_trace_call_and_estimate_errors(chain: Client) -> None:
    c = chain
    code = c.call("eth_getCode", c.counter, "latest")
    ghost = "0x" + "42" * 20
    call = {"from": A1, "to": ghost, "data": sel("increment()")}
    assert c.call("debug_traceCall", call, "latest", {"tracer": "callTracer"})["gasUsed"] == hex(21_000 + 10 * 4 * 4)  # the calldata floor
    traced = c.call("debug_traceCall", call, "latest", {"tracer": "callTracer", "stateOverrides": {ghost: {"code": code}}})
    assert int(traced["gasUsed"], 16) > 60_000 and len(traced["output"]) == 2
    with pytest.raises(RpcFailure) as e:
        c.call("eth_estimateGas", {"from": A1, "to": c.counter, "data": sel("burnGas()"), "gas": hex(2**20)})
    assert e.value.error["message"] == "gas required exceeds allowance (1048576)"
    with pytest.raises(RpcFailure) as e:
        c.call("eth_estimateGas", {"from": A1, "to": c.counter, "data": sel("incrementThenRevert()")})
    assert e.value.error["code"] == 3 and e.value.error["message"] == "execution reverted: no way"
    with pytest.raises(RpcFailure) as e:
        c.call("eth_call", {"from": A1, "to": c.counter, "gas": "0x5000"})
    assert e.value.error["message"] == "intrinsic gas too low: have 20480, want 21000"
