"""Plug-in modules on a real cometbft + pysei node: tokenfactory (installed from
``modules/tokenfactory``) and a module fresh from ``pysei scaffold module``, both loaded only
through their entry points and enabled in app.toml, with no edit to ``abci_app/``."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from eth_abi import decode, encode
from eth_account import Account
from eth_utils import keccak
from google.protobuf.any_pb2 import Any as AnyPb
from pysei_tokenfactory import denoms
from pysei_tokenfactory.pb.cosmos.bank.v1beta1 import bank_pb2
from pysei_tokenfactory.pb.seiprotocol.seichain.tokenfactory import query_pb2, tx_pb2

from abci_app.cli.keyring import Key, Keyring
from abci_app.config import AppConfig
from abci_app.cosmos_tx.builder import build_and_sign
from pysei_pb.cosmos.auth.v1beta1 import auth_pb2
from pysei_pb.cosmos.auth.v1beta1 import query_pb2 as auth_query
from pysei_pb.cosmos.bank.v1beta1 import query_pb2 as bank_query
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from tests.support.node import ROOT, LocalNode
from tests.support.solc import compile_contract

pytestmark = pytest.mark.integration
FEE, GAS = 4_000, 400_000
SCAFFOLDED = "itestnotes"
TF = "/seiprotocol.seichain.tokenfactory.Query/"


def abci(node: LocalNode, path: str, request: Any, height: int = 0) -> dict:
    data = request.SerializeToString().hex()
    return node.rpc("abci_query", path=path, data=data, height=str(height))["response"]


def value(node: LocalNode, path: str, request: Any, cls: Any, height: int = 0) -> Any:
    resp = abci(node, path, request, height)
    assert resp["code"] == 0, resp
    return cls.FromString(base64.b64decode(resp.get("value") or ""))


def balance(node: LocalNode, address: str, denom: str, height: int = 0) -> int:
    req = bank_query.QueryBalanceRequest(address=address, denom=denom)
    return int(value(node, "/cosmos.bank.v1beta1.Query/Balance", req, bank_query.QueryBalanceResponse, height)
               .balance.amount)


def supply(node: LocalNode, denom: str, height: int = 0) -> int:
    req = bank_query.QuerySupplyOfRequest(denom=denom)
    return int(value(node, "/cosmos.bank.v1beta1.Query/SupplyOf", req, bank_query.QuerySupplyOfResponse, height)
               .amount.amount)


def broadcast(node: LocalNode, key: Key, msgs: Sequence[Any]) -> dict:
    """Sign with the account's current number and sequence; broadcast and wait for the block."""
    req = auth_query.QueryAccountRequest(address=key.bech32)
    packed: AnyPb = value(node, "/cosmos.auth.v1beta1.Query/Account", req, auth_query.QueryAccountResponse).account
    acct = auth_pb2.BaseAccount.FromString(packed.value)
    raw = build_and_sign(key.privkey, list(msgs), node.chain_id, acct.account_number, acct.sequence, FEE, GAS)
    return node.rpc("broadcast_tx_commit", tx=base64.b64encode(raw).decode())


def committed(res: dict) -> dict:
    assert res["check_tx"]["code"] == 0, res["check_tx"]
    assert res["tx_result"]["code"] == 0, res["tx_result"]
    return res["tx_result"]


def eth(node: LocalNode, method: str, *params: Any) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    req = urllib.request.Request(node.evm_url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        out = json.loads(resp.read())
    assert "error" not in out, out
    return out["result"]


def send_evm(node: LocalNode, privkey: bytes, to: str | None, value_wei: int, data: str = "") -> dict:
    sender = Account.from_key(privkey)
    tx = {
        "chainId": 713714, "nonce": int(eth(node, "eth_getTransactionCount", sender.address, "latest"), 16),
        "gas": 1_000_000, "maxFeePerGas": 10**10, "maxPriorityFeePerGas": 10**9, "value": value_wei,
        "data": "0x" + data, **({"to": to} if to else {}),
    }
    raw = sender.sign_transaction(tx).raw_transaction
    tx_hash = eth(node, "eth_sendRawTransaction", "0x" + bytes(raw).hex())
    deadline = time.time() + 30
    while time.time() < deadline:
        receipt = eth(node, "eth_getTransactionReceipt", tx_hash)
        if receipt:
            assert receipt["status"] == "0x1", receipt
            return receipt
        time.sleep(0.2)
    raise TimeoutError(tx_hash)


def coin(denom: str, amount: int) -> coin_pb2.Coin:
    return coin_pb2.Coin(denom=denom, amount=str(amount))


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", "-q", *args], check=True, capture_output=True, cwd=ROOT)


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A module written by ``pysei scaffold module``, its own test run, then pip-installed."""
    out = tmp_path_factory.mktemp("scaffold") / SCAFFOLDED
    subprocess.run([sys.executable, "-m", "abci_app.cli.main", "scaffold", "module", SCAFFOLDED, "--out", str(out)],
                   check=True, capture_output=True, cwd=ROOT)
    pip("install", "--no-deps", "--no-build-isolation", "-e", str(out))
    try:
        yield out
    finally:
        pip("uninstall", "-y", f"pysei-{SCAFFOLDED}")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory, scaffolded: Path) -> Iterator[LocalNode]:
    n = LocalNode(tmp_path_factory.mktemp("tf") / "home")
    n.init()
    cfg = AppConfig.load(n.home)
    cfg.modules = [*cfg.modules, "tokenfactory", SCAFFOLDED]
    cfg.save(n.home)
    n.start()
    yield n
    n.stop()


def test_create_mint_send_burn_change_admin(node: LocalNode) -> None:
    ring = Keyring(node.home / "keys")
    alice, bob = ring.get("alice"), ring.get("bob")
    denom = f"factory/{alice.bech32}/gold"
    result = committed(broadcast(node, alice, [tx_pb2.MsgCreateDenom(sender=alice.bech32, subdenom="gold")]))
    assert any(e["type"] == "create_denom" for e in result["events"])
    committed(broadcast(node, alice, [tx_pb2.MsgMint(sender=alice.bech32, amount=coin(denom, 1_000_000))]))
    send = bank_tx.MsgSend(from_address=alice.bech32, to_address=bob.bech32, amount=[coin(denom, 250_000)])
    committed(broadcast(node, alice, [send]))
    committed(broadcast(node, alice, [tx_pb2.MsgBurn(sender=alice.bech32, amount=coin(denom, 100_000))]))
    assert (balance(node, alice.bech32, denom), balance(node, bob.bech32, denom)) == (650_000, 250_000)
    assert supply(node, denom) == 900_000

    # a non-admin mint: a clear error, nothing minted
    res = broadcast(node, bob, [tx_pb2.MsgMint(sender=bob.bech32, amount=coin(denom, 5))])
    failed = res["check_tx"] if res["check_tx"]["code"] else res["tx_result"]
    assert (failed["code"], failed["codespace"]) == (denoms.UNAUTHORIZED, "tokenfactory"), res
    assert "unauthorized account" in failed["log"] and f"is not the admin of {denom}" in failed["log"]
    assert (balance(node, bob.bech32, denom), supply(node, denom)) == (250_000, 900_000)

    committed(broadcast(node, alice, [tx_pb2.MsgChangeAdmin(sender=alice.bech32, denom=denom, new_admin=bob.bech32)]))
    meta = value(node, TF + "DenomAuthorityMetadata", query_pb2.QueryDenomAuthorityMetadataRequest(denom=denom),
                 query_pb2.QueryDenomAuthorityMetadataResponse)
    assert meta.authority_metadata.admin == bob.bech32
    committed(broadcast(node, bob, [tx_pb2.MsgMint(sender=bob.bech32, amount=coin(denom, 5))]))
    assert supply(node, denom) == 900_005
    listed = value(node, TF + "DenomsFromCreator", query_pb2.QueryDenomsFromCreatorRequest(creator=alice.bech32),
                   query_pb2.QueryDenomsFromCreatorResponse)
    assert list(listed.denoms) == [denom]


def test_scaffolded_module_passes_its_test_and_runs_on_the_node(node: LocalNode, scaffolded: Path) -> None:
    own = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                         capture_output=True, text=True, cwd=scaffolded)
    assert own.returncode == 0, own.stdout + own.stderr
    sys.path.insert(0, str(scaffolded))  # installed after this interpreter started
    package = __import__(f"pysei_{SCAFFOLDED}.pb.{SCAFFOLDED}.v1", fromlist=["tx_pb2", "query_pb2"])
    alice = Keyring(node.home / "keys").get("alice")
    msg = package.tx_pb2.MsgSetValue(sender=alice.bech32, key="greeting", value="hello")
    result = committed(broadcast(node, alice, [msg]))
    assert any(e["type"] == f"{SCAFFOLDED}_set_value" for e in result["events"])
    req = package.query_pb2.QueryValueRequest(owner=alice.bech32, key="greeting")
    got = value(node, f"/{SCAFFOLDED}.v1.Query/Value", req, package.query_pb2.QueryValueResponse)
    assert got.value == "hello"


READER = """
// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

interface IBank {
    function balance(address acc, string memory denom) external view returns (uint256);
    function supply(string memory denom) external view returns (uint256);
    function name(string memory denom) external view returns (string memory);
    function symbol(string memory denom) external view returns (string memory);
    function decimals(string memory denom) external view returns (uint8);
}

contract FactoryTokenReader {
    IBank constant BANK = IBank(0x0000000000000000000000000000000000001001);

    function balanceOf(address acc, string calldata denom) external view returns (uint256) {
        return BANK.balance(acc, denom);
    }

    function supplyOf(string calldata denom) external view returns (uint256) {
        return BANK.supply(denom);
    }

    function describe(string calldata denom) external view returns (string memory, string memory, uint8) {
        return (BANK.name(denom), BANK.symbol(denom), BANK.decimals(denom));
    }
}
"""


def call(node: LocalNode, contract: str, signature: str, types: list[str], args: list[Any], out: list[str]) -> Any:
    data = keccak(text=signature)[:4] + encode(types, args)
    result = eth(node, "eth_call", {"to": contract, "data": "0x" + data.hex()}, "latest")
    return decode(out, bytes.fromhex(result[2:]))


def test_bank_precompile_reads_factory_balance_and_supply_from_solidity(node: LocalNode, tmp_path: Path) -> None:
    alice = Keyring(node.home / "keys").get("alice")
    denom = f"factory/{alice.bech32}/silver"
    committed(broadcast(node, alice, [tx_pb2.MsgCreateDenom(sender=alice.bech32, subdenom="silver")]))
    committed(broadcast(node, alice, [tx_pb2.MsgMint(sender=alice.bech32, amount=coin(denom, 777))]))
    meta = bank_pb2.Metadata(base=denom, display="silver", name="Silver", symbol="SLV", denom_units=[
        bank_pb2.DenomUnit(denom=denom, exponent=0), bank_pb2.DenomUnit(denom="silver", exponent=6)])
    committed(broadcast(node, alice, [tx_pb2.MsgSetDenomMetadata(sender=alice.bech32, metadata=meta)]))
    source = tmp_path / "FactoryTokenReader.sol"
    source.write_text(READER)
    _, bytecode = compile_contract(source, "FactoryTokenReader")
    reader = send_evm(node, alice.privkey, None, 0, bytecode.hex())["contractAddress"]
    holder = Account.from_key(alice.privkey).address
    assert call(node, reader, "balanceOf(address,string)", ["address", "string"], [holder, denom], ["uint256"]) == (
        777,)
    assert call(node, reader, "supplyOf(string)", ["string"], [denom], ["uint256"]) == (777,)
    assert call(node, reader, "describe(string)", ["string"], [denom], ["string", "string", "uint8"]) == (
        "Silver", "SLV", 6)
