"""cw20-base on a real cometbft + pysei node: store, instantiate, transfer, send, queries
through the CLI and ABCI, a failing execute that leaves no trace, hostile code rejected
while the node keeps making blocks."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
import wasmtime

from abci_app.cli.keyring import Keyring
from pysei_pb.cosmwasm.wasm.v1 import query_pb2
from tests.support.cw import build_contract
from tests.support.node import LocalNode

pytestmark = pytest.mark.integration
WAT = Path(__file__).resolve().parents[1] / "contracts" / "wasm" / "echo.wat"
GAS, FEES = "6000000", "60000usei"


@pytest.fixture(scope="module")
def cw20_file() -> Path:
    return build_contract("cw20-base", "2.0.0")


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    with LocalNode(tmp_path_factory.mktemp("wasm") / "home") as n:
        yield n


def tx(node: LocalNode, *args: str, check: bool = True) -> dict:
    out = node.pysei(
        "tx", "wasm", *args, "--from", "alice", "--gas", GAS, "--fees", FEES, "--chain-id", node.chain_id,
        "--node", node.rpc_url, "--home", str(node.home), check=False,
    )
    if not out.stdout.strip():
        raise AssertionError(out.stderr)
    result = json.loads(out.stdout)
    if check:
        assert result["code"] == 0, result
    return result


def smart_cli(node: LocalNode, contract: str, msg: dict) -> dict:
    out = node.pysei("query", "wasm", "smart", contract, json.dumps(msg), "--node", node.rpc_url)
    return json.loads(out.stdout)


def smart_abci(node: LocalNode, contract: str, msg: dict) -> dict:
    req = query_pb2.QuerySmartContractStateRequest(address=contract, query_data=json.dumps(msg).encode())
    res = node.rpc("abci_query", path="/cosmwasm.wasm.v1.Query/SmartContractState", data=req.SerializeToString().hex())
    resp = res["response"]
    assert resp["code"] == 0, resp
    return json.loads(query_pb2.QuerySmartContractStateResponse.FromString(base64.b64decode(resp["value"])).data)


def app_hash(node: LocalNode) -> str:
    return node.rpc("abci_info")["response"]["last_block_app_hash"]


def test_cw20_end_to_end(node, cw20_file, tmp_path):
    ring = Keyring(node.home / "keys")
    alice, bob = ring.get("alice").bech32, ring.get("bob").bech32
    stored = tx(node, "store", str(cw20_file))
    code_id = stored["code_id"]
    code = json.loads(node.pysei("query", "wasm", "code", code_id, "--node", node.rpc_url).stdout)
    assert code["size"] == cw20_file.stat().st_size

    init = {"name": "Token", "symbol": "TOK", "decimals": 6, "initial_balances": [{"address": alice, "amount": "1000"}]}
    token = tx(node, "instantiate", code_id, json.dumps(init), "--label", "tok", "--admin", alice)["_contract_address"]
    info = json.loads(node.pysei("query", "wasm", "contract", token, "--node", node.rpc_url).stdout)
    assert info["code_id"] == code_id and info["admin"] == alice

    tx(node, "execute", token, json.dumps({"transfer": {"recipient": bob, "amount": "25"}}))
    assert smart_cli(node, token, {"balance": {"address": bob}}) == {"balance": "25"}
    assert smart_abci(node, token, {"balance": {"address": alice}}) == {"balance": "975"}

    echo = tmp_path / "echo.wasm"
    echo.write_bytes(wasmtime.wat2wasm(WAT.read_text()))
    receiver_code = tx(node, "store", str(echo))["code_id"]
    receiver = tx(node, "instantiate", receiver_code, "{}", "--label", "receiver")["_contract_address"]
    hook = base64.b64encode(b'{"ping":{}}').decode()
    tx(node, "execute", token, json.dumps({"send": {"contract": receiver, "amount": "5", "msg": hook}}))
    assert smart_abci(node, token, {"balance": {"address": receiver}}) == {"balance": "5"}

    # A failing execute: the contract's error text, and no state change.
    node.wait_height(node.height() + 1)
    before = smart_abci(node, token, {"all_accounts": {}}), smart_abci(node, token, {"balance": {"address": alice}})
    failed = tx(node, "execute", token, json.dumps({"transfer": {"recipient": bob, "amount": "1000000"}}), check=False)
    assert failed["code"] != 0 and "Cannot Sub with given operands" in failed["log"], failed
    after = smart_abci(node, token, {"all_accounts": {}}), smart_abci(node, token, {"balance": {"address": alice}})
    assert before == after


def test_hostile_code_rejected_and_node_keeps_going(node, tmp_path):
    floats = WAT.read_text().replace("(call $echo (local.get $msg)) ;; BODY", "(drop (f64.const 1)) (local.get $msg)")
    path = tmp_path / "floats.wasm"
    path.write_bytes(wasmtime.wat2wasm(floats))
    result = tx(node, "store", str(path), check=False)
    assert result["code"] != 0 and "float operations are not supported" in result["log"]

    loop = WAT.read_text().replace("(call $echo (local.get $msg)) ;; BODY", "(loop $l (br $l)) unreachable")
    path = tmp_path / "loop.wasm"
    path.write_bytes(wasmtime.wat2wasm(loop))
    code_id = tx(node, "store", str(path))["code_id"]
    looper = tx(node, "instantiate", code_id, "{}", "--label", "loop")["_contract_address"]
    result = tx(node, "execute", looper, "{}", check=False)
    assert result["code"] != 0 and "out of gas" in result["log"]
    height = node.height()
    node.wait_height(height + 3, timeout=30)
