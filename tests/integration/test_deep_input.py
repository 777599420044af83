"""Issue 17 on one real cometbft + pysei node: deeply nested input fails cleanly and the
node goes on.

1. A garbage-signed Cosmos tx with a 200,000-deep ``MsgExecuteContract.msg`` (CheckTx
   error), and a deep RLP list as an Ethereum tx.
2. A Solidity contract (``tests/contracts/DeepJson.sol``) handing a 100,000-deep JSON to the
   json precompile in a tx (status 0) and through ``eth_call``/``eth_estimateGas`` (revert
   error); the bound itself (128 levels parse, 129 do not).
3. 100,000-deep JSON-RPC bodies over HTTP and WebSocket (-32700).
4. A WAT CosmWasm contract (``tests/contracts/wasm/deep.wat``) returning a deep response
   and sending deep queries through ``query_chain``; a deep smart query over CometBFT's RPC.
5. After each case the node makes a block and answers ``eth_blockNumber``; at the end it
   restarts with the same app hashes, then replays every block since height ~2 through the
   app (CometBFT checks each block's app hash) with the same receipts.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import wasmtime
from coincurve import PrivateKey
from eth_abi import decode, encode
from eth_account import Account
from eth_utils import function_signature_to_4byte_selector as selector

from abci_app.cli.comet_client import CometClient
from abci_app.cli.commands.common import fetch_account
from abci_app.cli.commands.tx import commit_result
from abci_app.cli.keyring import Keyring
from abci_app.cosmos_tx.builder import auth_info_bytes, body_bytes, build_and_sign, tx_raw
from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from ledger.addresses import sei_address_from_pubkey, to_bech32, to_checksum_evm
from pysei_pb.cosmwasm.wasm.v1 import query_pb2, tx_pb2
from tests.support.node import LocalNode
from tests.unit.wasm_bridge.chaintxs import compile_with_interfaces

pytestmark = pytest.mark.integration

DEEP = 100_000
WAT = Path(__file__).resolve().parents[1] / "contracts" / "wasm" / "deep.wat"
WASM = "/cosmwasm.wasm.v1."
GAS, FEE = 6_000_000, 60_000  # native txs: 0.01 usei per gas
EVM_GAS = 30_000_000
TOO_DEEP = "invalid JSON: nested deeper than 128 levels"
#: ``Error(string)`` revert data.
ERROR_SELECTOR = bytes.fromhex("08c379a0")
JSON_PRECOMPILE = "0x" + "00" * 18 + "1003"
#: The app's own directories (state, JSON-RPC indexes), copied early for the replay test.
APP_DIRS = ("data", "index")
#: Receipts of the deep-input EVM txs, for the replay test.
DEEP_TXS: dict[str, dict] = {}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNode]:
    """The module's node; a copy of its app directories from before any test ran (the
    node stopped at height 2 or so) is kept in ``<home>/../early``."""
    n = LocalNode(tmp_path_factory.mktemp("deep") / "home")
    n.init()
    n.start()
    n.stop()
    early = n.home.parent / "early"
    for name in APP_DIRS:
        shutil.copytree(n.home / name, early / name)
    n.start()
    yield n
    n.stop()


# ---- helpers ----


def eth_raw(node: LocalNode, method: str, *params: object) -> dict[str, Any]:
    """The whole JSON-RPC answer (result or error)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    return post(node, body)


def post(node: LocalNode, body: bytes) -> dict[str, Any]:
    req = urllib.request.Request(node.evm_url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        assert resp.status == 200
        return json.loads(resp.read())


def eth(node: LocalNode, method: str, *params: object) -> Any:
    out = eth_raw(node, method, *params)
    assert "error" not in out, out
    return out["result"]


def assert_alive(node: LocalNode) -> None:
    """The node process runs, makes a new block, and its JSON-RPC answers eth_blockNumber."""
    assert node.proc is not None and node.proc.poll() is None, node.tail_log()
    height = node.wait_height(node.height() + 1, timeout=30)
    assert int(eth(node, "eth_blockNumber"), 16) >= height - 1


def abi_call(sig: str, types: list[str], args: list) -> bytes:
    return selector(sig) + encode(types, args)


def revert_reason(reason: str) -> str:
    return "0x" + (ERROR_SELECTOR + encode(["string"], [reason])).hex()


def send_evm(node: LocalNode, privkey: bytes, to: bytes | None, data: bytes, gas: int = EVM_GAS) -> dict:
    """Sign and send an EIP-1559 tx; its receipt, whatever its status."""
    sender = Account.from_key(privkey)
    body = {"chainId": 713714, "nonce": int(eth(node, "eth_getTransactionCount", sender.address, "latest"), 16),
            "gas": gas, "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9, "value": 0,
            "data": "0x" + data.hex(), **({"to": to_checksum_evm(to)} if to else {})}
    tx_hash = eth(node, "eth_sendRawTransaction", "0x" + bytes(sender.sign_transaction(body).raw_transaction).hex())
    deadline = time.time() + 60
    while time.time() < deadline:
        receipt = eth(node, "eth_getTransactionReceipt", tx_hash)
        if receipt:
            return receipt
        time.sleep(0.2)
    raise TimeoutError(f"{tx_hash}\n{node.tail_log()}")


def cosmos_tx(node: LocalNode, name: str, type_url: str, build: Any) -> dict[str, Any]:
    """Sign ``build(sender)`` with the local key ``name``, broadcast_tx_commit; the CLI's
    result JSON (the failing phase's code and log) plus the committed tx's events."""
    key = Keyring(node.home / "keys").get(name)
    client = CometClient(node.rpc_url, timeout=120)
    account, _ = fetch_account(client, key.bech32)
    raw = build_and_sign(key.privkey, [(type_url, build(key.bech32))], node.chain_id, account.account_number,
                         account.sequence, FEE, GAS)
    res = client.broadcast_tx_commit(raw)
    out = commit_result(res)
    out["events"] = (res.get("tx_result") or {}).get("events", [])
    return out


def attribute(result: dict[str, Any], key: str) -> str:
    return next(a["value"] for ev in result["events"] for a in ev["attributes"] if a["key"] == key)


def raw_state(node: LocalNode, contract: str, key: bytes) -> bytes:
    req = query_pb2.QueryRawContractStateRequest(address=contract, query_data=key)
    res = node.rpc("abci_query", path=WASM + "Query/RawContractState", data=req.SerializeToString().hex())
    resp = res["response"]
    assert resp["code"] == 0, resp
    return query_pb2.QueryRawContractStateResponse.FromString(base64.b64decode(resp["value"])).data


def app_hash_matches_next_header(node: LocalNode) -> int:
    """The app's own (abci_info) last height and app hash: the next block's header carries
    that hash. Returns the height."""
    info = node.rpc("abci_info")["response"]
    height = int(info["last_block_height"])
    node.wait_height(height + 1)
    header = node.rpc("block", height=str(height + 1))["block"]["header"]
    assert header["app_hash"] == base64.b64decode(info["last_block_app_hash"]).hex().upper(), (height, info)
    return height


def app_hashes(node: LocalNode, upto: int) -> dict[int, str]:
    return {h: node.rpc("block", height=str(h))["block"]["header"]["app_hash"] for h in range(1, upto + 1)}


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


# ---- deployed contracts ----


@pytest.fixture(scope="module")
def alice(node: LocalNode) -> Any:
    return Keyring(node.home / "keys").get("alice")


@pytest.fixture(scope="module")
def deep_json(node: LocalNode, alice: Any, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """``DeepJson.sol`` compiled with solc and deployed; its address."""
    _, bytecode = compile_with_interfaces("DeepJson", tmp_path_factory.mktemp("sol"))
    receipt = send_evm(node, alice.privkey, None, bytecode, gas=3_000_000)
    assert receipt["status"] == "0x1", receipt
    return bytes.fromhex(receipt["contractAddress"][2:])


@pytest.fixture(scope="module")
def deep_wasm(node: LocalNode) -> str:
    """``deep.wat`` stored and instantiated; its bech32 address."""
    code = bytes(wasmtime.wat2wasm(WAT.read_text()))
    stored = cosmos_tx(node, "alice", WASM + "MsgStoreCode",
                       lambda sender: tx_pb2.MsgStoreCode(sender=sender, wasm_byte_code=code))
    assert stored["code"] == 0, stored
    code_id = int(attribute(stored, "code_id"))
    inst = cosmos_tx(node, "alice", WASM + "MsgInstantiateContract",
                     lambda sender: tx_pb2.MsgInstantiateContract(sender=sender, code_id=code_id, label="deep",
                                                                   msg=b"{}"))
    assert inst["code"] == 0, inst
    return attribute(inst, "_contract_address")


# ---- 1. CheckTx ----


def test_unsigned_deep_wasm_msg_gets_checktx_error(node: LocalNode) -> None:
    """A garbage-signed MsgExecuteContract whose msg is 200,000 nested arrays, through
    CometBFT's broadcast_tx_sync: refused by CheckTx for its JSON; the node goes on."""
    pubkey = PrivateKey(b"\x17" * 32).public_key.format(compressed=True)
    sender = to_bech32(sei_address_from_pubkey(pubkey))
    msg = tx_pb2.MsgExecuteContract(sender=sender, contract=sender, msg=nested(200_000))
    body = body_bytes([msg], chain_id=node.chain_id)
    auth = auth_info_bytes(pubkey, 0, (("usei", FEE),), GAS)
    raw = tx_raw(body, auth, [bytes(range(64))])
    res = node.rpc("broadcast_tx_sync", tx=base64.b64encode(raw).decode())
    assert (res["code"], res["codespace"], res["log"]) == (14, "wasm", "msg must be valid JSON: invalid"), res
    assert_alive(node)


def rlp_nested(depth: int) -> bytes:
    """An RLP list nested ``depth`` lists deep (no recursion in the encoder either)."""
    out = b""
    for _ in range(depth):
        if len(out) < 56:
            out = bytes([0xC0 + len(out)]) + out
        else:
            size = len(out).to_bytes((len(out).bit_length() + 7) // 8, "big")
            out = bytes([0xF7 + len(size)]) + size + out
    return out


@pytest.mark.parametrize(("envelope", "kind"), [(b"", "types.LegacyTx"), (b"\x02", "types.DynamicFeeTx")],
                         ids=["legacy", "dynamic-fee"])
def test_deep_rlp_tx_is_refused(node: LocalNode, envelope: bytes, kind: str) -> None:
    """A 30,000-deep RLP list (97,872 bytes, under the EVM tx size limit) as an Ethereum tx,
    through CometBFT's broadcast_tx_sync and eth_sendRawTransaction: refused for its shape."""
    raw = envelope + rlp_nested(30_000)
    res = node.rpc("broadcast_tx_sync", tx=base64.b64encode(raw).decode())
    fields = {"types.LegacyTx": 9, "types.DynamicFeeTx": 12}[kind]
    log = f"rlp: expected {fields} fields for {kind}, got 1"
    assert (res["code"], res["codespace"], res["log"]) == (102, "evm", log), res
    out = eth_raw(node, "eth_sendRawTransaction", "0x" + raw.hex())
    assert out.get("error") == {"code": -32000, "message": log}, out
    assert_alive(node)


# ---- 2. the json precompile ----


def test_deep_json_to_precompile_in_a_tx_fails_and_blocks_go_on(node: LocalNode, alice: Any,
                                                                deep_json: bytes) -> None:
    """record(100000) as a tx: status 0, the precompile's revert (not all gas burnt), the
    chain makes blocks; record(127) in a tx logs the exact bytes."""
    limit = int(eth(node, "eth_getBlockByNumber", "latest", False)["gasLimit"], 16)
    assert limit >= EVM_GAS, limit
    receipt = send_evm(node, alice.privkey, deep_json, abi_call("record(uint256)", ["uint256"], [DEEP]))
    assert receipt["status"] == "0x0", receipt
    DEEP_TXS[receipt["transactionHash"]] = receipt
    assert 0 < int(receipt["gasUsed"], 16) < EVM_GAS, receipt
    trace = eth(node, "debug_traceTransaction", receipt["transactionHash"], {"tracer": "callTracer"})
    reason = f"input is not valid JSON: {TOO_DEEP}"
    assert (trace["error"], trace["revertReason"], trace["output"]) == (
        "execution reverted", reason, revert_reason(reason))
    (inner,) = trace["calls"]
    assert (inner["to"], inner["revertReason"]) == (JSON_PRECOMPILE, reason)
    node.wait_height(int(receipt["blockNumber"], 16) + 3, timeout=30)

    ok = send_evm(node, alice.privkey, deep_json, abi_call("record(uint256)", ["uint256"], [127]))
    assert ok["status"] == "0x1", ok
    DEEP_TXS[ok["transactionHash"]] = ok
    (log,) = ok["logs"]
    assert decode(["bytes"], bytes.fromhex(log["data"][2:])) == (nested(127),)
    assert_alive(node)


@pytest.mark.parametrize("method", ["eth_call", "eth_estimateGas"])
@pytest.mark.parametrize("via", ["contract", "precompile"])
def test_deep_json_to_precompile_via_eth_call_answers_error(node: LocalNode, deep_json: bytes, method: str,
                                                            via: str) -> None:
    """extract(100000) through eth_call (and eth_estimateGas), and the same JSON sent to the
    precompile directly: a JSON-RPC revert error naming the nesting."""
    if via == "contract":
        call = {"to": to_checksum_evm(deep_json),
                "data": "0x" + abi_call("extract(uint256)", ["uint256"], [DEEP]).hex()}
    else:
        text = b'{"a":' + nested(DEEP) + b"}"
        call = {"to": JSON_PRECOMPILE,
                "data": "0x" + abi_call("extractAsBytes(bytes,string)", ["bytes", "string"], [text, "a"]).hex()}
    out = eth_raw(node, method, call, "latest")
    reason = f"input is not valid JSON: {TOO_DEEP}"
    assert out["error"] == {"code": 3, "message": f"execution reverted: {reason}", "data": revert_reason(reason)}
    assert_alive(node)


@pytest.mark.parametrize(("depth", "ok"), [(127, True), (128, False)])
def test_precompile_bound_via_eth_call(node: LocalNode, deep_json: bytes, depth: int, ok: bool) -> None:
    """Just under the bound (127 arrays under "a": 128 levels) answers the exact bytes;
    one level more reverts."""
    call = {"to": to_checksum_evm(deep_json), "data": "0x" + abi_call("extract(uint256)", ["uint256"], [depth]).hex()}
    out = eth_raw(node, "eth_call", call, "latest")
    if ok:
        assert decode(["bytes"], bytes.fromhex(out["result"][2:])) == (nested(depth),), out
    else:
        reason = f"input is not valid JSON: {TOO_DEEP}"
        assert out["error"] == {"code": 3, "message": f"execution reverted: {reason}", "data": revert_reason(reason)}
    assert_alive(node)


# ---- 3. JSON-RPC bodies ----


def request_nested(depth: int) -> bytes:
    """eth_blockNumber with its params nested ``depth`` arrays deep (depth + 1 levels in all)."""
    return b'{"jsonrpc":"2.0","id":7,"method":"eth_blockNumber","params":' + nested(depth) + b"}"


PARSE_ERROR = {"code": -32700, "message": f"parse error: {TOO_DEEP}"}


@pytest.mark.parametrize(("body", "error"), [
    (nested(DEEP), PARSE_ERROR),
    (request_nested(128), PARSE_ERROR),
    (request_nested(127), {"code": -32602, "message": "too many arguments, want at most 0"}),
], ids=["100000-deep", "129-levels", "128-levels"])
def test_deep_http_body_answers_parse_error(node: LocalNode, body: bytes, error: dict) -> None:
    """A deep POST body answers -32700 (a body of 128 levels is parsed: its params are refused)."""
    out = post(node, body)
    assert out.get("error") == error, out
    assert_alive(node)


async def ws_exchange(url: str, frames: list[str]) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session, session.ws_connect(url, max_msg_size=0) as ws:
        answers = []
        for frame in frames:
            await ws.send_str(frame)
            msg = await ws.receive(timeout=60)
            assert msg.type == aiohttp.WSMsgType.TEXT, msg
            answers.append(json.loads(msg.data))
        return answers


def test_deep_websocket_frame_answers_parse_error(node: LocalNode) -> None:
    """A 100,000-deep text frame answers -32700, and the same connection still serves."""
    ping = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "eth_chainId", "params": []})
    deep, after = asyncio.run(ws_exchange(node.ws_url, [nested(DEEP).decode(), ping]))
    assert deep == {"jsonrpc": "2.0", "id": None, "error": PARSE_ERROR}
    assert after == {"jsonrpc": "2.0", "id": 2, "result": hex(713714)}
    assert_alive(node)


# ---- 4. CosmWasm ----


def test_wasm_contract_returning_deep_json_fails_its_tx(node: LocalNode, alice: Any, deep_wasm: str) -> None:
    """execute returns {"ok": 100,000 nested arrays}: the Cosmos tx fails with wasm's
    execute code (in CheckTx, which runs the message); the same call from an EVM tx (whose
    CheckTx does not execute it, so it runs in a block) reverts with the host's error."""
    failed = cosmos_tx(node, "alice", WASM + "MsgExecuteContract",
                       lambda sender: tx_pb2.MsgExecuteContract(sender=sender, contract=deep_wasm,
                                                                msg=b'{"respond":%d}' % DEEP))
    error = f"contract returned {TOO_DEEP}: execute wasm contract failed"
    assert (failed["code"], failed["codespace"], failed["log"]) == (
        5, "wasm", f"failed to execute message; message index: 0: {error}"), failed
    assert_alive(node)

    data = abi_call("execute(string,bytes,bytes)", ["string", "bytes", "bytes"],
                    [deep_wasm, b'{"respond":%d}' % DEEP, b""])
    receipt = send_evm(node, alice.privkey, WASMD, data)
    assert receipt["status"] == "0x0", receipt
    DEEP_TXS[receipt["transactionHash"]] = receipt
    trace = eth(node, "debug_traceTransaction", receipt["transactionHash"], {"tracer": "callTracer"})
    assert (trace["error"], trace["revertReason"]) == ("execution reverted", error), trace
    assert_alive(node)


def test_deep_smart_query_through_cometbft_rpc(node: LocalNode, deep_wasm: str) -> None:
    """abci_query SmartContractState with 200,000 nested arrays as query data (public, no
    key): the host hands it to the contract, whose query ignores it and answers {}."""
    req = query_pb2.QuerySmartContractStateRequest(address=deep_wasm, query_data=nested(200_000))
    res = node.rpc("abci_query", path=WASM + "Query/SmartContractState", data=req.SerializeToString().hex())
    resp = res["response"]
    assert resp["code"] == 0, resp
    assert query_pb2.QuerySmartContractStateResponse.FromString(base64.b64decode(resp["value"])).data == b"{}"
    assert_alive(node)


def answer_of(request: bytes, error: str) -> bytes:
    """The querier's invalid_request answer (SystemResult JSON, keys sorted)."""
    b64 = base64.b64encode(request).decode()
    return b'{"error":{"invalid_request":{"error":"%s","request":"%s"}}}' % (error.encode(), b64.encode())


@pytest.mark.parametrize(("depth", "error"), [
    (126, "list indices must be integers or slices, not str"),
    (127, "malformed query request"),
    (32_000, "malformed query request"),
])
def test_wasm_contract_sending_deep_query_gets_querier_error(node: LocalNode, deep_wasm: str, depth: int,
                                                              error: str) -> None:
    """execute sends {"bank":{"balance": depth nested arrays}} through query_chain: the
    querier parses 128 levels (and refuses the list as a balance request) and answers
    anything deeper as a malformed request; the contract stores the answer."""
    done = cosmos_tx(node, "alice", WASM + "MsgExecuteContract",
                     lambda sender: tx_pb2.MsgExecuteContract(sender=sender, contract=deep_wasm,
                                                              msg=b'{"query":%d}' % depth))
    assert done["code"] == 0, done
    request = b'{"bank":{"balance":' + nested(depth) + b"}}"
    assert raw_state(node, deep_wasm, b"answer") == answer_of(request, error)
    assert_alive(node)


def test_wasm_contract_sending_oversized_deep_query_fails_its_tx(node: LocalNode, alice: Any,
                                                                 deep_wasm: str) -> None:
    """A 100,000-deep query (200,021 bytes) is over the host's query request limit: the
    Cosmos tx fails (in CheckTx, which runs the message), the same call from an EVM tx
    reverts in its block."""
    failed = cosmos_tx(node, "alice", WASM + "MsgExecuteContract",
                       lambda sender: tx_pb2.MsgExecuteContract(sender=sender, contract=deep_wasm,
                                                                msg=b'{"query":%d}' % DEEP))
    error = "query request too long: 200021 > 65536 bytes: execute wasm contract failed"
    assert (failed["code"], failed["codespace"], failed["log"]) == (
        5, "wasm", f"failed to execute message; message index: 0: {error}"), failed
    assert_alive(node)

    data = abi_call("execute(string,bytes,bytes)", ["string", "bytes", "bytes"],
                    [deep_wasm, b'{"query":%d}' % DEEP, b""])
    receipt = send_evm(node, alice.privkey, WASMD, data)
    assert receipt["status"] == "0x0", receipt
    DEEP_TXS[receipt["transactionHash"]] = receipt
    trace = eth(node, "debug_traceTransaction", receipt["transactionHash"], {"tracer": "callTracer"})
    assert (trace["error"], trace["revertReason"]) == ("execution reverted", error), trace
    assert_alive(node)


# ---- 5. restart ----


def test_restart_keeps_app_hashes_and_blocks_go_on(node: LocalNode) -> None:
    """Stop and start: the app hash the app reported for its last height before the stop is
    in the next block's header, no header changed, the restarted app's hash is the next
    header's, blocks go on."""
    info = node.rpc("abci_info")["response"]
    last = int(info["last_block_height"])
    app_hash = base64.b64decode(info["last_block_app_hash"]).hex().upper()
    node.wait_height(last + 1)
    headers = app_hashes(node, last + 1)
    assert headers[last + 1] == app_hash
    node.stop()

    node.start(wait_height=last + 3)
    assert app_hashes(node, last + 1) == headers
    app_hash_matches_next_header(node)
    assert_alive(node)


def test_replay_of_every_deep_input_block_keeps_app_hashes(node: LocalNode, deep_wasm: str) -> None:
    """The app's directories put back to their copy from before the first test: CometBFT's
    handshake replays every later block (the deep-input txs included) through the app and
    checks each block's app hash (it refuses to start on a mismatch); the replayed EVM txs
    have the same receipts, the wasm contract the same stored querier answer; blocks go on."""
    node.wait_height(node.height() + 1)
    stopped_at = node.height()
    headers = app_hashes(node, stopped_at)
    receipts = {h: eth(node, "eth_getTransactionReceipt", h) for h in DEEP_TXS}
    assert receipts == DEEP_TXS
    answer = raw_state(node, deep_wasm, b"answer")
    node.stop()
    for name in APP_DIRS:
        shutil.rmtree(node.home / name)
        shutil.copytree(node.home.parent / "early" / name, node.home / name)

    node.start(wait_height=stopped_at + 2, timeout=300)
    assert app_hashes(node, stopped_at) == headers
    app_hash_matches_next_header(node)
    assert {h: eth(node, "eth_getTransactionReceipt", h) for h in DEEP_TXS} == receipts
    assert raw_state(node, deep_wasm, b"answer") == answer
    assert_alive(node)
