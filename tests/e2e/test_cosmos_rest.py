"""The Cosmos REST (LCD) API on a real node: plain HTTP, as cosmjs-era LCD clients, Keplr and
explorers use it (cosmjs ships no maintained LCD client since 0.26, so Python reads it).
Balances, accounts, txs (broadcast and look-up), validators, a CosmWasm smart query,
blocks, node info, height-pinned reads, CORS, and bad requests answered in the SDK's error
shape while the node keeps producing blocks."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from coincurve import PrivateKey

from abci_app.cosmos_tx.builder import build_and_sign
from ledger.addresses import VALOPER_PREFIX, from_bech32, sei_address_from_pubkey, to_bech32
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from tests.e2e.conftest import E2E
from tests.support.cw import build_contract

pytestmark = pytest.mark.e2e

FEE, GAS = 4000, 200_000


def http(e2e: E2E, path: str, body: bytes | None = None, method: str | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
    req = urllib.request.Request(e2e.node.rest_url + path, body, headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read() or b"null")


def get(e2e: E2E, path: str, **kw: Any) -> Any:
    status, _, body = http(e2e, path, **kw)
    assert status == 200, body
    return body


def post(e2e: E2E, path: str, payload: Any) -> tuple[int, Any]:
    status, _, body = http(e2e, path, json.dumps(payload).encode(), headers={"Content-Type": "application/json"})
    return status, body


def key(e2e: E2E, name: str) -> bytes:
    return bytes.fromhex(e2e.keys[name].removeprefix("0x"))


def address(e2e: E2E, name: str) -> str:
    return to_bech32(sei_address_from_pubkey(PrivateKey(key(e2e, name)).public_key.format(compressed=True)))


def cli_send(e2e: E2E, to: str, amount: int) -> dict[str, Any]:
    node = e2e.node
    out = node.pysei(
        "tx", "bank", "send", "alice", to, f"{amount}usei", "--fees", f"{FEE}usei", "--gas", str(GAS),
        "--chain-id", node.chain_id, "--node", node.rpc_url, "--home", str(node.home), "--broadcast-mode", "commit",
    )
    result = json.loads(out.stdout)
    assert result["code"] == 0, result
    return result


def signed_send(e2e: E2E, to: str, amount: int) -> bytes:
    account = get(e2e, f"/cosmos/auth/v1beta1/accounts/{address(e2e, 'bob')}")["account"]
    msg = bank_tx.MsgSend(from_address=address(e2e, "bob"), to_address=to,
                          amount=[coin_pb2.Coin(denom="usei", amount=str(amount))])
    return build_and_sign(key(e2e, "bob"), [msg], e2e.node.chain_id, int(account["account_number"]),
                          int(account["sequence"]), FEE, GAS)


def wait_tx(e2e: E2E, txhash: str) -> Any:
    deadline = time.time() + 30
    while time.time() < deadline:
        status, _, body = http(e2e, f"/cosmos/tx/v1beta1/txs/{txhash}")
        if status == 200:
            return body
        assert status == 404 and body["code"] == 5, body
        time.sleep(0.2)
    raise TimeoutError(txhash)


def test_balances(e2e: E2E) -> None:
    fresh = to_bech32(b"\x31" * 20)
    cli_send(e2e, fresh, 777)
    body = get(e2e, f"/cosmos/bank/v1beta1/balances/{fresh}")
    assert body == {"balances": [{"denom": "usei", "amount": "777"}], "pagination": {"next_key": None, "total": "1"}}
    assert get(e2e, f"/cosmos/bank/v1beta1/balances/{fresh}/by_denom?denom=usei") == {
        "balance": {"denom": "usei", "amount": "777"}
    }
    assert get(e2e, f"/cosmos/bank/v1beta1/balances/{fresh}/by_denom?denom=uatom") == {
        "balance": {"denom": "uatom", "amount": "0"}
    }


def test_account(e2e: E2E) -> None:
    alice = address(e2e, "alice")
    before = get(e2e, f"/cosmos/auth/v1beta1/accounts/{alice}")["account"]
    assert before["@type"] == "/cosmos.auth.v1beta1.BaseAccount"
    assert before["address"] == alice
    assert before["account_number"].isdigit() and before["sequence"].isdigit()
    cli_send(e2e, to_bech32(b"\x32" * 20), 1)
    after = get(e2e, f"/cosmos/auth/v1beta1/accounts/{alice}")["account"]
    assert after["account_number"] == before["account_number"]
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    pubkey = PrivateKey(key(e2e, "alice")).public_key.format(compressed=True)
    assert after["pub_key"] == {"@type": "/cosmos.crypto.secp256k1.PubKey", "key": base64.b64encode(pubkey).decode()}


def test_broadcast_then_get_tx(e2e: E2E) -> None:
    to = to_bech32(b"\x33" * 20)
    raw = signed_send(e2e, to, 4321)
    status, body = post(e2e, "/cosmos/tx/v1beta1/txs",
                        {"tx_bytes": base64.b64encode(raw).decode(), "mode": "BROADCAST_MODE_SYNC"})
    assert status == 200, body
    resp = body["tx_response"]
    txhash = hashlib.sha256(raw).hexdigest().upper()
    assert (resp["code"], resp["txhash"], resp["height"]) == (0, txhash, "0")
    found = wait_tx(e2e, txhash)
    r = found["tx_response"]
    assert (r["code"], r["txhash"]) == (0, txhash)
    assert int(r["height"]) > 0 and int(r["gas_used"]) > 0 and r["gas_wanted"] == str(GAS)
    assert len(r["timestamp"]) == 20 and r["timestamp"].endswith("Z")
    assert r["tx"]["@type"] == "/cosmos.tx.v1beta1.Tx"
    [msg] = found["tx"]["body"]["messages"]
    assert msg == {"@type": "/cosmos.bank.v1beta1.MsgSend", "from_address": address(e2e, "bob"), "to_address": to,
                   "amount": [{"denom": "usei", "amount": "4321"}]}
    assert found["tx"]["auth_info"]["fee"]["amount"] == [{"denom": "usei", "amount": str(FEE)}]
    assert any(e["type"] == "transfer" for e in r["events"])
    assert get(e2e, f"/cosmos/bank/v1beta1/balances/{to}")["balances"] == [{"denom": "usei", "amount": "4321"}]


def test_search_txs_by_event_and_block_txs(e2e: E2E) -> None:
    to = to_bech32(b"\x38" * 20)
    first, second = cli_send(e2e, to, 1), cli_send(e2e, to, 2)
    query = urllib.parse.quote(f"transfer.recipient='{to}'")
    body = get(e2e, f"/cosmos/tx/v1beta1/txs?events={query}&order_by=ORDER_BY_DESC")
    assert (body["total"], body["pagination"]) == ("2", {"next_key": None, "total": "2"})
    assert [r["txhash"] for r in body["tx_responses"]] == [second["hash"], first["hash"]]
    assert [t["body"]["messages"][0]["amount"][0]["amount"] for t in body["txs"]] == ["2", "1"]
    page = get(e2e, f"/cosmos/tx/v1beta1/txs?events={query}&pagination.limit=1&pagination.offset=1")
    assert [r["txhash"] for r in page["tx_responses"]] == [second["hash"]]
    block = get(e2e, f"/cosmos/tx/v1beta1/txs/block/{second['height']}")
    assert block["block"]["header"]["height"] == str(second["height"])
    assert any(t["body"]["messages"][0].get("to_address") == to for t in block["txs"])
    assert int(block["pagination"]["total"]) == len(block["txs"]) >= 1


def test_broadcast_block_mode_waits_for_the_block(e2e: E2E) -> None:
    to = to_bech32(b"\x34" * 20)
    raw = signed_send(e2e, to, 55)
    status, body = post(e2e, "/cosmos/tx/v1beta1/txs",
                        {"tx_bytes": base64.b64encode(raw).decode(), "mode": "BROADCAST_MODE_BLOCK"})
    assert status == 200, body
    assert body["tx_response"]["code"] == 0 and int(body["tx_response"]["height"]) > 0
    assert get(e2e, f"/cosmos/bank/v1beta1/balances/{to}")["balances"] == [{"denom": "usei", "amount": "55"}]


def test_height_pinned_balance(e2e: E2E) -> None:
    to = to_bech32(b"\x35" * 20)
    first = int(cli_send(e2e, to, 10)["height"])
    cli_send(e2e, to, 5)
    path = f"/cosmos/bank/v1beta1/balances/{to}/by_denom?denom=usei"
    assert get(e2e, path, headers={"x-cosmos-block-height": str(first)})["balance"]["amount"] == "10"
    assert get(e2e, path, headers={"x-cosmos-block-height": str(first - 1)})["balance"]["amount"] == "0"
    assert get(e2e, path)["balance"]["amount"] == "15"


def test_validators(e2e: E2E) -> None:
    body = get(e2e, "/cosmos/staking/v1beta1/validators")
    [validator] = body["validators"]
    assert validator["operator_address"].startswith("seivaloper1")
    assert validator["status"] == "BOND_STATUS_BONDED"
    assert validator["consensus_pubkey"]["@type"] == "/cosmos.crypto.ed25519.PubKey"
    assert body["pagination"] == {"next_key": None, "total": "1"}


def test_wasm_smart_query(e2e: E2E) -> None:
    node, alice = e2e.node, address(e2e, "alice")

    def wasm(*args: str) -> dict[str, Any]:
        out = node.pysei("tx", "wasm", *args, "--from", "alice", "--gas", "6000000", "--fees", "60000usei",
                         "--chain-id", node.chain_id, "--node", node.rpc_url, "--home", str(node.home))
        result = json.loads(out.stdout)
        assert result["code"] == 0, result
        return result

    code_id = wasm("store", str(build_contract("cw20-base", "2.0.0")))["code_id"]
    init = {"name": "Token", "symbol": "TOK", "decimals": 6, "initial_balances": [{"address": alice, "amount": "1000"}]}
    token = wasm("instantiate", str(code_id), json.dumps(init), "--label", "tok")["_contract_address"]
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        query = encode(json.dumps({"balance": {"address": alice}}).encode()).decode()
        assert get(e2e, f"/cosmwasm/wasm/v1/contract/{token}/smart/{query}") == {"data": {"balance": "1000"}}
    info = base64.b64encode(b'{"token_info":{}}').decode()
    assert get(e2e, f"/cosmwasm/wasm/v1/contract/{token}/smart/{info}")["data"]["symbol"] == "TOK"
    raw = get(e2e, f"/cosmwasm/wasm/v1/contract/{token}/raw/{base64.b64encode(b'token_info').decode()}")
    assert json.loads(base64.b64decode(raw["data"]))["symbol"] == "TOK"
    code = get(e2e, f"/cosmwasm/wasm/v1/code/{code_id}")
    assert code["code_info"]["code_id"] == str(code_id)
    assert len(base64.b64decode(code["data"])) == build_contract("cw20-base", "2.0.0").stat().st_size


def test_latest_block_and_node_info(e2e: E2E) -> None:
    body = get(e2e, "/cosmos/base/tendermint/v1beta1/blocks/latest")
    header = body["block"]["header"]
    assert header["chain_id"] == e2e.node.chain_id
    height = int(header["height"])
    assert height > 0
    block = e2e.node.rpc("block", height=str(height))
    assert base64.b64decode(body["block_id"]["hash"]).hex().upper() == block["block_id"]["hash"]
    assert base64.b64decode(header["app_hash"]).hex().upper() == block["block"]["header"]["app_hash"]
    assert body["block"]["last_commit"]["signatures"][0]["block_id_flag"] == "BLOCK_ID_FLAG_COMMIT"
    by_height = get(e2e, f"/cosmos/base/tendermint/v1beta1/blocks/{height}")
    assert by_height["block_id"] == body["block_id"]
    info = get(e2e, "/cosmos/base/tendermint/v1beta1/node_info")
    assert info["default_node_info"]["network"] == e2e.node.chain_id
    assert info["default_node_info"]["version"] == "0.38.17"
    assert info["application_version"]["app_name"] == "pysei"


def test_validator_sets(e2e: E2E) -> None:
    comet = e2e.node.rpc("validators")
    [expected] = comet["validators"]
    latest = get(e2e, "/cosmos/base/tendermint/v1beta1/validatorsets/latest")
    [val] = latest["validators"]
    assert val == {
        "address": to_bech32(bytes.fromhex(expected["address"]), "seivalcons"),
        "pub_key": {"@type": "/cosmos.crypto.ed25519.PubKey", "key": expected["pub_key"]["value"]},
        "voting_power": expected["voting_power"], "proposer_priority": expected["proposer_priority"],
    }
    assert latest["pagination"] == {"next_key": None, "total": "1"} and int(latest["block_height"]) > 0
    at = get(e2e, "/cosmos/base/tendermint/v1beta1/validatorsets/1")
    assert at["block_height"] == "1" and at["validators"][0]["address"] == val["address"]


def test_delegation_rewards_and_params(e2e: E2E) -> None:
    [validator] = get(e2e, "/cosmos/staking/v1beta1/validators")["validators"]
    valoper = validator["operator_address"]
    delegator = to_bech32(from_bech32(valoper, VALOPER_PREFIX))
    body = get(e2e, f"/cosmos/staking/v1beta1/validators/{valoper}/delegations/{delegator}")
    response = body["delegation_response"]
    assert response["delegation"]["delegator_address"] == delegator
    assert response["balance"] == {"denom": "usei", "amount": validator["tokens"]}
    rewards = get(e2e, f"/cosmos/distribution/v1beta1/delegators/{delegator}/rewards")
    assert [r["validator_address"] for r in rewards["rewards"]] == [valoper]
    one = get(e2e, f"/cosmos/distribution/v1beta1/delegators/{delegator}/rewards/{valoper}")
    assert set(one) == {"rewards"}
    params = get(e2e, "/cosmos/staking/v1beta1/params")["params"]
    assert params["bond_denom"] == "usei"


def test_cors(e2e: E2E) -> None:
    status, headers, _ = http(e2e, "/cosmos/bank/v1beta1/balances/x", method="OPTIONS",
                              headers={"Origin": "https://wallet.example", "Access-Control-Request-Method": "GET"})
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "x-cosmos-block-height" in headers["Access-Control-Allow-Headers"]
    _, headers, _ = http(e2e, "/cosmos/staking/v1beta1/validators")
    assert headers["Access-Control-Allow-Origin"] == "*"


def _big_body() -> bytes:
    return json.dumps({"tx_bytes": "A" * 3_000_000, "mode": "BROADCAST_MODE_SYNC"}).encode()


UNKNOWN = to_bech32(bytes([0x36]) * 20)
BAD_REQUESTS = {
    "unknown route": ("GET", "/cosmos/nothing/v1/here", None, {}, 501, 12),
    "unknown method on a route": ("DELETE", "/cosmos/staking/v1beta1/validators", None, {}, 501, 12),
    "malformed address": ("GET", "/cosmos/bank/v1beta1/balances/sei1notanaddress", None, {}, 400, 3),
    "malformed account address": ("GET", "/cosmos/auth/v1beta1/accounts/cosmos1xyz", None, {}, 400, 3),
    "unknown account": ("GET", "/cosmos/auth/v1beta1/accounts/" + UNKNOWN, None, {}, 404, 5),
    "malformed tx hash": ("GET", "/cosmos/tx/v1beta1/txs/nothex", None, {}, 400, 3),
    "unknown tx": ("GET", "/cosmos/tx/v1beta1/txs/" + "00" * 32, None, {}, 404, 5),
    "tx bytes not base64": ("POST", "/cosmos/tx/v1beta1/txs", b'{"tx_bytes":"!!!","mode":"BROADCAST_MODE_SYNC"}', {}, 400, 3),
    "tx bytes not a tx": ("POST", "/cosmos/tx/v1beta1/txs", b'{"tx_bytes":"AQID","mode":"BROADCAST_MODE_SYNC"}', {}, 400, 3),
    "empty tx": ("POST", "/cosmos/tx/v1beta1/txs", b'{"mode":"BROADCAST_MODE_SYNC"}', {}, 400, 3),
    "body not JSON": ("POST", "/cosmos/tx/v1beta1/txs", b"{tx_bytes:", {}, 400, 3),
    "body nested too deep": ("POST", "/cosmos/tx/v1beta1/txs", b"[" * 100_000 + b"]" * 100_000, {}, 400, 3),
    "unknown body field": ("POST", "/cosmos/tx/v1beta1/txs", b'{"tx_bytez":"AQID"}', {}, 400, 3),
    "oversized body": ("POST", "/cosmos/tx/v1beta1/txs", _big_body(), {}, 413, 8),
    "bad height header": ("GET", "/cosmos/staking/v1beta1/validators", None, {"x-cosmos-block-height": "-1"}, 400, 3),
    "future height": ("GET", "/cosmos/staking/v1beta1/validators", None, {"x-cosmos-block-height": "99999999"}, 400, 3),
    "smart query not base64": ("GET", "/cosmwasm/wasm/v1/contract/" + UNKNOWN + "/smart/%%%", None, {}, 400, 3),
    "bad block height": ("GET", "/cosmos/base/tendermint/v1beta1/blocks/zero", None, {}, 400, 3),
    "bad code id": ("GET", "/cosmwasm/wasm/v1/code/abc", None, {}, 400, 3),
    "raw query not base64": ("GET", "/cosmwasm/wasm/v1/contract/" + UNKNOWN + "/raw/%%%", None, {}, 400, 3),
    "search without events": ("GET", "/cosmos/tx/v1beta1/txs", None, {}, 400, 3),
    "search with a malformed event": ("GET", "/cosmos/tx/v1beta1/txs?events=transfer.recipient", None, {}, 400, 3),
    "search with a bad order": ("GET", "/cosmos/tx/v1beta1/txs?events=a.b%3D'c'&order_by=UP", None, {}, 400, 3),
}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_bad_request_gets_the_sdk_error_shape(e2e: E2E, case: str) -> None:
    method, path, body, headers, status, code = BAD_REQUESTS[case]
    before = e2e.node.height()
    got, _, answer = http(e2e, path, body, method=method, headers=headers)
    assert (got, answer["code"]) == (status, code), answer
    assert set(answer) == {"code", "message", "details"} and answer["details"] == []
    assert answer["message"]
    e2e.node.wait_height(before + 2, timeout=30)  # the node keeps producing blocks


def test_a_protobuf_tx_checktx_refuses_is_a_tx_response(e2e: E2E) -> None:
    junk = base64.b64encode(b"\x0a\x00\x12\x00").decode()  # an empty body and auth info
    status, body = post(e2e, "/cosmos/tx/v1beta1/txs", {"tx_bytes": junk, "mode": "BROADCAST_MODE_SYNC"})
    assert status == 200, body
    assert body["tx_response"]["code"] != 0 and body["tx_response"]["raw_log"]
