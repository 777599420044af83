"""Estimates, simulations and traces against the block, on a real node (issue 19).

For each corpus case: ``eth_estimateGas`` -> a tx sent with exactly that limit -> status 1
(reverting and out-of-gas cases: the estimate fails with geth's error and a tx sent with a
fixed limit fails). Then, at the mined tx's parent block, which runs a simulation in the
mined block's own context: receipt ``gasUsed`` == ``eth_createAccessList`` gasUsed (when
its list is the tx's own) == ``debug_traceCall`` gas (struct logger and call tracer) ==
``debug_traceTransaction`` gas of the mined tx, and the traced steps are the same.

The corpus: a Uniswap-v3-shaped factory / pool / position manager (CREATE2, a time-keyed
oracle write, many fresh slots, nested calls and callbacks, refunds on burn), the bank,
json and addr precompiles called from a contract, the staking and wasmd (a cw20 transfer)
precompiles called directly, access-list txs (type 1 and 2), a call that needs more than
its gas used (63/64 forwarding), set-code txs (type 4: delegate and call, a call through
the delegated EOA, clear), reverts and out of gas.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode
from eth_account import Account
from eth_hash.auto import keccak
from eth_utils import to_checksum_address

from abci_app.cli.keyring import Keyring
from ledger.addresses import VALOPER_PREFIX, to_bech32
from tests.integration.test_wasm import tx as wasm_tx
from tests.support.cw import build_contract
from tests.support.node import LocalNode
from tests.support.solc import compile_contract

pytestmark = pytest.mark.e2e
SOURCE = Path(__file__).resolve().parent / "contracts" / "Differential.sol"
CHAIN_ID = 713714
MAX_FEE = 10**11
TIP = 10**9
Json = dict[str, Any]


class RpcFailure(Exception):
    def __init__(self, error: Json) -> None:
        super().__init__(error.get("message"))
        self.error = error


def rpc(url: str, method: str, *params: Any) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        out = json.loads(r.read())
    if "error" in out:
        raise RpcFailure(out["error"])
    return out["result"]


def selector(signature: str) -> bytes:
    return keccak(signature.encode())[:4]


def calldata(signature: str, types: list[str], args: list[Any]) -> str:
    return "0x" + (selector(signature) + encode(types, args)).hex()


@dataclass
class Env:
    url: str
    key: str
    sender: str
    code: dict[str, bytes]
    addresses: dict[str, str] = field(default_factory=dict)
    valoper: str = ""  # the node's validator, for the staking precompile
    cw20: str = ""  # a cw20 contract (sei1…) holding the sender's tokens, for wasmd

    def nonce(self) -> int:
        return int(rpc(self.url, "eth_getTransactionCount", self.sender, "latest"), 16)

    def read(self, to: str, signature: str, types: list[str] = (), args: list[Any] = ()) -> str:
        return rpc(self.url, "eth_call", {"to": to, "data": calldata(signature, list(types), list(args))}, "latest")


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Env], Json]  # the call object (to, data, value)
    expect: str = "ok"  # "ok" | "revert" | "oog"
    access_list: bool = False
    tx_type: int = 2
    fixed_gas: int = 0  # the limit for failing cases
    remember: str = ""  # save the created contract's address under this name
    after: Callable[[Env, Json], None] | None = None


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> Env:
    names = ("DToken", "DFactory", "DManager", "DPrecompileUser", "DFailing", "DDelegate")
    code = {n: compile_contract(SOURCE, n)[1] for n in names}
    with LocalNode(tmp_path_factory.mktemp("gasdiff") / "home", chain_id="pysei-gasdiff-1") as node:
        node.wait_height(3)
        ring = Keyring(node.home / "keys")
        alice = ring.get("alice")
        key = "0x" + alice.privkey.hex()
        cw20_id = wasm_tx(node, "store", str(build_contract("cw20-base", "2.0.0")))["code_id"]
        init = {"name": "Token", "symbol": "TOK", "decimals": 6,
                "initial_balances": [{"address": alice.bech32, "amount": "1000000"}]}
        cw20 = wasm_tx(node, "instantiate", cw20_id, json.dumps(init), "--label", "tok")["_contract_address"]
        valoper = to_bech32(ring.get("validator").sei_address, VALOPER_PREFIX)
        yield Env(node.evm_url, key, Account.from_key(key).address, code, valoper=valoper, cw20=cw20)


def _deploy(name: str) -> Callable[[Env], Json]:
    return lambda e: {"data": "0x" + e.code[name].hex()}


def _call(target: str, signature: str, types: list[str], args: Callable[[Env], list[Any]], value: int = 0):
    def build(e: Env) -> Json:
        obj: Json = {"to": e.addresses[target], "data": calldata(signature, types, args(e))}
        if value:
            obj["value"] = hex(value)
        return obj

    return build


def _remember_pool(e: Env, receipt: Json) -> None:
    a, b = e.addresses["token0"], e.addresses["token1"]
    out = e.read(e.addresses["factory"], "getPool(address,address)", ["address", "address"], [a, b])
    pool = "0x" + out[-40:]
    predicted = e.read(e.addresses["factory"], "poolAddress(address,address)", ["address", "address"], [a, b])
    assert pool == "0x" + predicted[-40:]  # CREATE2
    e.addresses["pool"] = pool


def _delegation(target: str | None) -> Callable[[Env], Json]:
    """A set-code tx (type 4) from the sender to itself: delegate to ``target`` (None:
    clear) and, when delegating, call ``increment()`` through its own address."""

    def build(e: Env) -> Json:
        address = e.addresses[target] if target else "0x" + "00" * 20
        auth = Account.sign_authorization({"chainId": CHAIN_ID, "address": address, "nonce": e.nonce() + 1}, e.key)
        obj: Json = {"to": e.sender, "authorizationList": [{
            "chainId": hex(auth.chain_id), "address": "0x" + auth.address.hex(), "nonce": hex(auth.nonce),
            "yParity": hex(auth.y_parity), "r": hex(auth.r), "s": hex(auth.s)}]}
        if target:
            obj["data"] = calldata("increment()", [], [])
        return obj

    return build


def _delegated(delegated: bool, count: int, tx_type: int) -> Callable[[Env, Json], None]:
    """After a delegation step: the sender's code (the designator, or none), the count in
    its own storage, and the tx's RPC fields."""

    def check(e: Env, receipt: Json) -> None:
        code = rpc(e.url, "eth_getCode", e.sender, "latest")
        assert code == ("0xef0100" + e.addresses["delegate"][2:].lower() if delegated else "0x")
        assert int(rpc(e.url, "eth_getStorageAt", e.sender, "0x0", "latest"), 16) == count
        tx = rpc(e.url, "eth_getTransactionByHash", receipt["transactionHash"])
        assert receipt["type"] == tx["type"] == hex(tx_type)
        if tx_type == 4:
            assert len(tx["authorizationList"]) == 1 and tx["authorizationList"][0]["chainId"] == hex(CHAIN_ID)

    return check


JSON_BLOB = b'{"n": 4242, "s": "x"}'
SEI_DEST = "0x" + "77" * 20
TICKS = (-600, 600)

CASES = [
    Case("plain_transfer", lambda e: {"to": SEI_DEST, "value": hex(10**15)}),
    Case("deploy_token0", _deploy("DToken"), remember="token0"),
    Case("deploy_token1", _deploy("DToken"), remember="token1"),
    Case("deploy_factory", _deploy("DFactory"), remember="factory"),
    Case("deploy_manager", _deploy("DManager"), remember="manager"),
    Case("deploy_precompile_user", _deploy("DPrecompileUser"), remember="precompile_user"),
    Case("deploy_failing", _deploy("DFailing"), remember="failing"),
    Case("token0_mint", _call("token0", "mint(address,uint256)", ["address", "uint256"], lambda e: [e.sender, 10**24])),
    Case("token1_mint", _call("token1", "mint(address,uint256)", ["address", "uint256"], lambda e: [e.sender, 10**24])),
    Case("token0_approve", _call("token0", "approve(address,uint256)", ["address", "uint256"],
                                 lambda e: [e.addresses["manager"], 2**256 - 1])),
    Case("token1_approve_access_list_type1", _call("token1", "approve(address,uint256)", ["address", "uint256"],
                                                   lambda e: [e.addresses["manager"], 2**256 - 1]),
         access_list=True, tx_type=1),
    Case("create2_pool", _call("factory", "createPool(address,address)", ["address", "address"],
                               lambda e: [e.addresses["token0"], e.addresses["token1"]]), after=_remember_pool),
    Case("pool_initialize", _call("pool", "initialize(int24)", ["int24"], lambda e: [7])),
    Case("manager_mint_after_initialize", _call("manager", "mint(address,int24,int24,uint128)",
                                                ["address", "int24", "int24", "uint128"],
                                                lambda e: [e.addresses["pool"], *TICKS, 10**18])),
    Case("manager_mint_access_list", _call("manager", "mint(address,int24,int24,uint128)",
                                           ["address", "int24", "int24", "uint128"],
                                           lambda e: [e.addresses["pool"], -1200, 1200, 5 * 10**17]),
         access_list=True),
    Case("manager_burn_refunds", _call("manager", "burn(uint256)", ["uint256"], lambda e: [1])),
    Case("precompiles_bank_json_addr", _call("precompile_user", "useAll(address,bytes)", ["address", "bytes"],
                                             lambda e: [e.sender, JSON_BLOB])),
    Case("precompiles_with_bank_send", _call("precompile_user", "useAll(address,bytes)", ["address", "bytes"],
                                             lambda e: [e.sender, JSON_BLOB], value=3 * 10**12)),
    Case("precompile_json_direct", lambda e: {"to": "0x" + "00" * 18 + "1003", "data": calldata(
        "extractAsUint256(bytes,string)", ["bytes", "string"], [JSON_BLOB, "n"])}),
    Case("precompile_staking_delegate", lambda e: {"to": "0x" + "00" * 18 + "1005", "value": hex(7 * 10**12),
                                                   "data": calldata("delegate(string)", ["string"], [e.valoper])}),
    Case("precompile_wasmd_execute_cw20", lambda e: {"to": "0x" + "00" * 18 + "1002", "data": calldata(
        "execute(string,bytes,bytes)", ["string", "bytes", "bytes"],
        [e.cw20, json.dumps({"transfer": {"recipient": "sei1qyqszqgpqyqszqgpqyqszqgpqyqszqgpllsgta",
                                          "amount": "25"}}).encode(), b"[]"])}),
    Case("needs_forwarded_gas", _call("failing", "needsForwardedGas()", [], lambda e: [])),
    Case("revert_after_writes", _call("failing", "revertAfterWrites(uint256)", ["uint256"], lambda e: [5]),
         expect="revert", fixed_gas=200_000),
    Case("out_of_gas", _call("failing", "burnAllGas()", [], lambda e: []), expect="oog", fixed_gas=150_000),
    Case("deploy_delegate", _deploy("DDelegate"), remember="delegate"),
    Case("set_code_delegate_and_call", _delegation("delegate"), tx_type=4, after=_delegated(True, 1, 4)),
    Case("call_through_delegated_eoa", lambda e: {"to": e.sender, "data": calldata("increment()", [], [])},
         after=_delegated(True, 2, 2)),
    Case("set_code_clear", _delegation(None), tx_type=4, after=_delegated(False, 2, 4)),
]


def _fees(obj: Json, tx_type: int) -> Json:
    if tx_type == 1:
        return {**obj, "gasPrice": hex(MAX_FEE)}
    return {**obj, "maxFeePerGas": hex(MAX_FEE), "maxPriorityFeePerGas": hex(TIP)}


def _send(e: Env, obj: Json, gas: int, tx_type: int) -> Json:
    tx: Json = {"type": tx_type, "chainId": CHAIN_ID, "nonce": e.nonce(), "gas": gas,
                "value": int(obj.get("value", "0x0"), 16), "data": obj.get("data", "0x")}
    if obj.get("to"):
        tx["to"] = to_checksum_address(obj["to"])
    if tx_type == 1:
        tx["gasPrice"] = MAX_FEE
    else:
        tx["maxFeePerGas"], tx["maxPriorityFeePerGas"] = MAX_FEE, TIP
    if obj.get("accessList"):
        tx["accessList"] = obj["accessList"]
    if obj.get("authorizationList"):
        tx["authorizationList"] = obj["authorizationList"]
    raw = bytes(Account.sign_transaction(tx, e.key).raw_transaction)
    tx_hash = rpc(e.url, "eth_sendRawTransaction", "0x" + raw.hex())
    deadline = time.time() + 60
    while time.time() < deadline:
        receipt = rpc(e.url, "eth_getTransactionReceipt", tx_hash)
        if receipt is not None:
            return receipt
        time.sleep(0.2)
    raise TimeoutError(tx_hash)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_estimate_send_and_traces_agree(env: Env, case: Case) -> None:
    e = env
    obj = _fees({"from": e.sender, **case.build(e)}, case.tx_type)
    if case.access_list:
        found = rpc(e.url, "eth_createAccessList", obj, "latest")
        assert found["accessList"], "an access-list case must touch accounts beyond from/to"
        obj["accessList"] = found["accessList"]
    if case.expect == "ok":
        gas = int(rpc(e.url, "eth_estimateGas", obj, "latest"), 16)
    else:
        if case.expect == "oog":  # search up to 2^20 gas: an endless loop, well within the call timeout
            obj["gas"] = hex(2**20)
        with pytest.raises(RpcFailure) as failure:
            rpc(e.url, "eth_estimateGas", obj, "latest")
        if case.expect == "revert":
            assert failure.value.error["code"] == 3
            assert failure.value.error["message"] == "execution reverted: DFailing: no"
        else:
            assert failure.value.error["message"] == "gas required exceeds allowance (1048576)"
        gas = case.fixed_gas

    receipt = _send(e, obj, gas, case.tx_type)
    assert receipt["status"] == ("0x1" if case.expect == "ok" else "0x0"), (case.name, gas, receipt)
    assert receipt["transactionIndex"] == "0x0"  # alone in its block: the parent's state is its start
    used = int(receipt["gasUsed"], 16)
    assert used <= gas
    if case.expect == "oog":
        assert used == gas
    if case.remember:
        e.addresses[case.remember] = receipt["contractAddress"]
    if case.after is not None:
        case.after(e, receipt)

    parent = hex(int(receipt["blockNumber"], 16) - 1)
    at = {**obj, "gas": hex(gas)}
    call_trace = rpc(e.url, "debug_traceCall", at, parent, {"tracer": "callTracer"})
    struct_trace = rpc(e.url, "debug_traceCall", at, parent)
    mined_call = rpc(e.url, "debug_traceTransaction", receipt["transactionHash"], {"tracer": "callTracer"})
    mined_struct = rpc(e.url, "debug_traceTransaction", receipt["transactionHash"])
    assert int(call_trace["gasUsed"], 16) == used
    assert struct_trace["gas"] == used
    assert int(mined_call["gasUsed"], 16) == used
    assert mined_struct["gas"] == used
    assert struct_trace["failed"] is mined_struct["failed"] is (case.expect != "ok")
    assert struct_trace["structLogs"] == mined_struct["structLogs"]
    listed = rpc(e.url, "eth_createAccessList", at, parent)
    if listed["accessList"] == at.get("accessList", []):
        assert int(listed["gasUsed"], 16) == used
    else:  # its gas is that of a tx carrying the list it found
        with_list = {**at, "accessList": listed["accessList"]}
        traced = rpc(e.url, "debug_traceCall", with_list, parent, {"tracer": "callTracer"})
        assert int(listed["gasUsed"], 16) == int(traced["gasUsed"], 16)
    if case.expect == "ok":
        out = rpc(e.url, "eth_call", at, parent)
        assert out == (mined_call.get("output", "0x") if obj.get("to") else "0x")
