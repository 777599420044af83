"""EVM -> Wasm on a real cometbft + pysei node, through its Ethereum JSON-RPC: a Solidity
contract (``tests/contracts/WasmUser.sol``, solc from npm) transfers cw20 and queries the
balance in one EVM tx; an EOA pays cw1-whitelist with ``msg.value`` through the wasmd
precompile and the contract's ``BankMsg::Send`` shows in ``eth_getBalance``."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from eth_abi import decode, encode
from eth_account import Account
from eth_utils import function_signature_to_4byte_selector as selector

from abci_app.cli.keyring import Keyring
from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from ledger.addresses import to_bech32, to_checksum_evm
from tests.integration.test_wasm import smart_abci, tx
from tests.support.cw import build_contract
from tests.support.node import LocalNode
from tests.unit.wasm_bridge.chaintxs import compile_with_interfaces

pytestmark = pytest.mark.integration
WEI = 10**12


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    n = LocalNode(tmp_path_factory.mktemp("wasm-evm") / "home")
    n.init()
    n.start()
    yield n
    n.stop()


def eth(node: LocalNode, method: str, *params: object) -> object:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(node.evm_url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        out = json.loads(resp.read())
    assert "error" not in out, out
    return out["result"]


def send(node: LocalNode, privkey: bytes, to: bytes | None, data: bytes, value: int = 0) -> dict:
    sender = Account.from_key(privkey)
    body = {"chainId": 713714, "nonce": int(eth(node, "eth_getTransactionCount", sender.address, "latest"), 16),
            "gas": 3_000_000, "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9, "value": value,
            "data": "0x" + data.hex(), **({"to": to_checksum_evm(to)} if to else {})}
    tx_hash = eth(node, "eth_sendRawTransaction", "0x" + bytes(sender.sign_transaction(body).raw_transaction).hex())
    deadline = time.time() + 30
    while time.time() < deadline:
        receipt = eth(node, "eth_getTransactionReceipt", tx_hash)
        if receipt:
            assert receipt["status"] == "0x1", receipt
            return receipt
        time.sleep(0.2)
    raise TimeoutError(tx_hash)


def _call(sig: str, types: list[str], args: list) -> bytes:
    return selector(sig) + encode(types, args)


def test_solidity_transfers_and_queries_cw20_and_pays_through_cw1(node, tmp_path):
    ring = Keyring(node.home / "keys")
    alice, bob = ring.get("alice"), ring.get("bob")
    _, bytecode = compile_with_interfaces("WasmUser", tmp_path)
    user = bytes.fromhex(send(node, alice.privkey, None, bytecode)["contractAddress"][2:])
    user_sei = to_bech32(user)

    cw20_id = tx(node, "store", str(build_contract("cw20-base", "2.0.0")))["code_id"]
    init = {"name": "Token", "symbol": "TOK", "decimals": 6, "initial_balances": [{"address": user_sei, "amount": "100"}]}
    token = tx(node, "instantiate", cw20_id, json.dumps(init), "--label", "tok")["_contract_address"]

    transfer = json.dumps({"transfer": {"recipient": bob.bech32, "amount": "40"}}).encode()
    query = json.dumps({"balance": {"address": user_sei}}).encode()
    receipt = send(node, alice.privkey, user,
                   _call("executeAndQuery(string,bytes,bytes)", ["string", "bytes", "bytes"], [token, transfer, query]))
    (logged,) = decode(["bytes"], bytes.fromhex(receipt["logs"][0]["data"][2:]))
    assert json.loads(logged) == {"balance": "60"}
    assert smart_abci(node, token, {"balance": {"address": bob.bech32}}) == {"balance": "40"}

    cw1_id = tx(node, "store", str(build_contract("cw1-whitelist", "2.0.0")))["code_id"]
    admins = {"admins": [alice.bech32], "mutable": False}
    cw1 = tx(node, "instantiate", cw1_id, json.dumps(admins), "--label", "cw1")["_contract_address"]
    bob_evm = bob.evm_checksum
    before = int(eth(node, "eth_getBalance", bob_evm, "latest"), 16)
    pay = {"bank": {"send": {"to_address": bob.bech32, "amount": [{"denom": "usei", "amount": "3"}]}}}
    coins = json.dumps([{"denom": "usei", "amount": "3"}]).encode()
    msg = json.dumps({"execute": {"msgs": [pay]}}).encode()
    send(node, alice.privkey, WASMD, _call("execute(string,bytes,bytes)", ["string", "bytes", "bytes"], [cw1, msg, coins]),
         value=3 * WEI)
    assert int(eth(node, "eth_getBalance", bob_evm, "latest"), 16) == before + 3 * WEI
