"""ERC-20 pointers of native denoms on a real node: registered with ``pysei tx evm
register-pointer`` and read back with ``pysei query evm pointer``; ethers v6 uses them as
plain ERC-20s (metadata, balanceOf, transfer); the native balances move (``pysei query
balance``); a native ``pysei tx bank send`` shows as a Transfer log in eth_getLogs; a
tokenfactory denom gets a pointer and is transferred the same way; a cw20-base token gets
an ERC-20 pointer and a wallet transfers it with ethers, and a Wasm transfer of the CW20
shows as the pointer's Transfer log; an ERC-20 gets a CW20 pointer (``register-pointer
erc20``) and cw20 ``transfer``/``increase_allowance``/``transfer_from`` through it move
the ERC-20 (its ``balanceOf`` equals the cw20 ``balance``; its Transfer logs are in
eth_getLogs)."""

from __future__ import annotations

import base64
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth._utils.address import generate_contract_address
from eth_abi import decode, encode
from eth_hash.auto import keccak
from pysei_tokenfactory.pb.seiprotocol.seichain.tokenfactory import tx_pb2 as tf_tx

from abci_app.cli.commands.ethclient import EthClient
from abci_app.cli.keyring import Key, Keyring
from abci_app.config import AppConfig
from abci_app.cosmos_tx.builder import build_and_sign
from evm_bridge.pointers.artifacts import BUILD, CW20, NATIVE
from evm_bridge.pointers.build import ensure_built
from evm_bridge.signer import sign_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from tests.e2e.conftest import JS, npm_ready
from tests.support.cw import build_contract
from tests.support.node import LocalNode
from tests.support.solc import compile_contract

pytestmark = pytest.mark.e2e
ABI = BUILD / f"{NATIVE}.json"
CW20_ABI = BUILD / f"{CW20}.json"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNode]:
    npm_ready()
    ensure_built()
    n = LocalNode(tmp_path_factory.mktemp("pointers") / "home", chain_id="pysei-e2e-1")
    n.init()
    cfg = AppConfig.load(n.home)
    cfg.modules = [*cfg.modules, "tokenfactory"]
    cfg.save(n.home)
    n.start()
    try:
        yield n
    finally:
        n.stop()


def cli(node: LocalNode, *args: str, ok: bool = True) -> dict:
    out = node.pysei(*args, "--home", str(node.home), check=False)
    assert (out.returncode == 0) == ok, out.stdout + out.stderr
    return json.loads(out.stdout) if ok else {"stderr": out.stderr}


def evm_cli(node: LocalNode, *args: str, ok: bool = True) -> dict:
    return cli(node, *args, "--evm-rpc", node.evm_url, ok=ok)


def ethers(*args: str) -> dict:
    proc = subprocess.run(["node", "pointer_ethers.mjs", *args], cwd=JS, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return json.loads(proc.stdout.strip().splitlines()[-1])


def keys(node: LocalNode) -> tuple[Key, Key]:
    ring = Keyring(node.home / "keys")
    return ring.get("alice"), ring.get("bob")


def balance(node: LocalNode, key: Key, denom: str, height: int) -> int:
    got = cli(node, "query", "balance", key.bech32, "--denom", denom, "--height", str(height), "--node", node.rpc_url)
    return int(got["amount"])


def register(node: LocalNode, denom: str) -> str:
    out = evm_cli(node, "tx", "evm", "register-pointer", "native", denom, "--from", "alice")
    assert out["status"] == 1 and out["version"] == 1
    return out["pointer"]


@pytest.fixture(scope="module")
def usei_pointer(node: LocalNode) -> str:
    return register(node, "usei")


def test_register_pointer_then_query_pointer_agree(node: LocalNode, usei_pointer: str) -> None:
    got = evm_cli(node, "query", "evm", "pointer", "native", "usei")
    assert got == {"kind": "native", "pointee": "usei", "pointer": usei_pointer, "version": 1, "exists": True}
    missing = evm_cli(node, "query", "evm", "pointer", "native", "unone")
    assert missing == {"kind": "native", "pointee": "unone", "pointer": "", "version": 0, "exists": False}


def test_a_second_registration_is_refused_with_the_reason(node: LocalNode, usei_pointer: str) -> None:
    out = evm_cli(node, "tx", "evm", "register-pointer", "native", "usei", "--from", "bob", ok=False)
    assert "native pointer for usei already exists" in out["stderr"]


def test_ethers_transfer_moves_native_usei(node: LocalNode, usei_pointer: str) -> None:
    alice, bob = keys(node)
    out = ethers("transfer", node.evm_url, "0x" + alice.privkey.hex(), str(ABI), usei_pointer, bob.evm_checksum, "1234")
    assert (out["name"], out["symbol"], out["decimals"], out["denom"]) == ("SEI", "SEI", 6, "usei")
    assert int(out["before"]) == balance(node, alice, "usei", out["height"])
    assert out["status"] == 1
    assert out["events"] == [{"from": alice.evm_checksum, "to": bob.evm_checksum, "value": "1234"}]
    block = out["block"]
    assert balance(node, bob, "usei", block) == balance(node, bob, "usei", block - 1) + 1234
    assert int(out["afterTo"]) == balance(node, bob, "usei", block)
    assert int(out["afterFrom"]) == balance(node, alice, "usei", block)


def test_native_send_shows_as_a_transfer_log(node: LocalNode, usei_pointer: str) -> None:
    alice, bob = keys(node)
    sent = cli(node, "tx", "bank", "send", "alice", bob.bech32, "777usei", "--fees", "4000usei",
               "--broadcast-mode", "commit", "--node", node.rpc_url)
    assert sent["code"] == 0, sent
    out = ethers("logs", node.evm_url, str(ABI), usei_pointer, str(sent["height"]))
    assert out["events"] == [{"from": alice.evm_checksum, "to": bob.evm_checksum, "value": "777"}]
    assert out["txs"] == ["0x" + sent["hash"].lower()]


def _broadcast(node: LocalNode, key: Key, msg: object) -> dict:
    acct = cli(node, "query", "account", key.bech32, "--node", node.rpc_url)
    raw = build_and_sign(key.privkey, [msg], node.chain_id, int(acct["account_number"]), int(acct["sequence"]),
                         4_000, 400_000)
    res = node.rpc("broadcast_tx_commit", tx=base64.b64encode(raw).decode())
    assert res["check_tx"]["code"] == 0 and res["tx_result"]["code"] == 0, res
    return res


def test_tokenfactory_denom_gets_a_pointer_and_moves_by_erc20_calls(node: LocalNode) -> None:
    alice, bob = keys(node)
    _broadcast(node, alice, tf_tx.MsgCreateDenom(sender=alice.bech32, subdenom="gold"))
    denom = f"factory/{alice.bech32}/gold"
    _broadcast(node, alice, tf_tx.MsgMint(sender=alice.bech32, amount=coin_pb2.Coin(denom=denom, amount="5000")))
    pointer = register(node, denom)
    out = ethers("transfer", node.evm_url, "0x" + alice.privkey.hex(), str(ABI), pointer, bob.evm_checksum, "1500")
    assert (out["denom"], out["decimals"], out["totalSupply"], out["before"]) == (denom, 0, "5000", "5000")
    assert out["status"] == 1
    assert out["events"] == [{"from": alice.evm_checksum, "to": bob.evm_checksum, "value": "1500"}]
    assert balance(node, alice, denom, out["block"]) == 3500
    assert balance(node, bob, denom, out["block"]) == 1500


def wasm_tx(node: LocalNode, *args: str) -> dict:
    out = cli(node, "tx", "wasm", *args, "--from", "alice", "--gas", "6000000", "--fees", "60000usei",
              "--node", node.rpc_url)
    assert out["code"] == 0, out
    return out


def cw20_balance(node: LocalNode, token: str, key: Key, height: int) -> int:
    query = json.dumps({"balance": {"address": key.bech32}})
    out = node.pysei("query", "wasm", "smart", token, query, "--height", str(height), "--node", node.rpc_url)
    return int(json.loads(out.stdout)["balance"])


def test_cw20_gets_a_pointer_and_a_wallet_transfers_it(node: LocalNode) -> None:
    alice, bob = keys(node)
    code_id = wasm_tx(node, "store", str(build_contract("cw20-base", "2.0.0")))["code_id"]
    init = {"name": "Gold", "symbol": "GLD", "decimals": 3, "initial_balances": [{"address": alice.bech32, "amount": "900"}]}
    token = wasm_tx(node, "instantiate", str(code_id), json.dumps(init), "--label", "gold")["_contract_address"]
    out = evm_cli(node, "tx", "evm", "register-pointer", "cw20", token, "--from", "bob")
    assert out["status"] == 1 and out["version"] == 1
    assert evm_cli(node, "query", "evm", "pointer", "cw20", token)["pointer"] == out["pointer"]
    moved = ethers("transfer", node.evm_url, "0x" + alice.privkey.hex(), str(CW20_ABI), out["pointer"],
                   bob.evm_checksum, "250")
    assert (moved["name"], moved["symbol"], moved["decimals"], moved["denom"]) == ("Gold", "GLD", 3, token)
    assert (moved["totalSupply"], moved["before"], moved["status"]) == ("900", "900", 1)
    assert moved["events"] == [{"from": alice.evm_checksum, "to": bob.evm_checksum, "value": "250"}]
    assert cw20_balance(node, token, alice, moved["block"]) == 650 == int(moved["afterFrom"])
    assert cw20_balance(node, token, bob, moved["block"]) == 250 == int(moved["afterTo"])
    sent = wasm_tx(node, "execute", token, json.dumps({"transfer": {"recipient": bob.bech32, "amount": "30"}}))
    logs = ethers("logs", node.evm_url, str(CW20_ABI), out["pointer"], str(sent["height"]))
    assert logs == {"events": [{"from": alice.evm_checksum, "to": bob.evm_checksum, "value": "30"}],
                    "txs": ["0x" + sent["hash"].lower()]}


def deploy(node: LocalNode, key: Key, code: bytes) -> bytes:
    """Deploy ``code`` from ``key`` with a signed EVM tx; the contract's address."""
    client = EthClient(node.evm_url)
    nonce = int(client.call("eth_getTransactionCount", key.evm_checksum, "pending"), 16)
    price = int(client.call("eth_gasPrice"), 16)
    raw = sign_tx(key.privkey, chain_id=int(client.call("eth_chainId"), 16), nonce=nonce, gas=3_000_000, to=None,
                  data=code, max_fee_per_gas=2 * price, max_priority_fee_per_gas=0)
    tx_hash = client.call("eth_sendRawTransaction", "0x" + raw.hex())
    deadline = time.monotonic() + 60
    while (receipt := client.call("eth_getTransactionReceipt", tx_hash)) is None:
        assert time.monotonic() < deadline, "deployment not mined"
        time.sleep(0.25)
    assert int(receipt["status"], 16) == 1, receipt
    return generate_contract_address(key.evm_address, nonce)


def erc20_balance(node: LocalNode, token: bytes, key: Key, height: int) -> int:
    data = keccak(b"balanceOf(address)")[:4] + encode(["address"], [key.evm_checksum])
    out = EthClient(node.evm_url).call("eth_call", {"to": "0x" + token.hex(), "data": "0x" + data.hex()}, hex(height))
    return decode(["uint256"], bytes.fromhex(out[2:]))[0]


def cw_tx(node: LocalNode, contract: str, msg: dict, key: str) -> dict:
    out = cli(node, "tx", "wasm", "execute", contract, json.dumps(msg), "--from", key, "--gas", "3000000",
              "--fees", "30000usei", "--node", node.rpc_url)
    assert out["code"] == 0, out
    return out


def test_erc20_gets_a_cw20_pointer_and_wasm_messages_move_it(node: LocalNode, tmp_path: Path) -> None:
    alice, bob = keys(node)
    abi, code = compile_contract(Path(__file__).resolve().parents[1] / "contracts" / "ReasonToken.sol", "ReasonToken")
    token = deploy(node, alice, code + encode(["string", "string", "uint256"], ["Reason", "RSN", 1000]))
    pointee = "0x" + token.hex()
    out = evm_cli(node, "tx", "evm", "register-pointer", "erc20", pointee, "--from", "bob")
    assert (out["status"], out["kind"], out["pointee"], out["version"]) == (1, "erc20", pointee, 1)
    pointer = out["pointer"]
    assert pointer.startswith("sei1")
    got = evm_cli(node, "query", "evm", "pointer", "erc20", pointee)
    assert got == {"kind": "erc20", "pointee": pointee, "pointer": pointer, "version": 1, "exists": True}
    again = evm_cli(node, "tx", "evm", "register-pointer", "erc20", pointee, "--from", "bob", ok=False)
    assert f"erc20 pointer for {pointee} already exists" in again["stderr"]

    sent = cw_tx(node, pointer, {"transfer": {"recipient": bob.bech32, "amount": "250"}}, "alice")
    h = sent["height"]
    assert cw20_balance(node, pointer, bob, h) == 250 == erc20_balance(node, token, bob, h)
    assert cw20_balance(node, pointer, alice, h) == 750 == erc20_balance(node, token, alice, h)
    abi_path = tmp_path / "ReasonToken.json"
    abi_path.write_text(json.dumps({"abi": abi}))
    logs = ethers("logs", node.evm_url, str(abi_path), pointee, str(h))
    assert logs == {"events": [{"from": alice.evm_checksum, "to": bob.evm_checksum, "value": "250"}],
                    "txs": ["0x" + sent["hash"].lower()]}

    cw_tx(node, pointer, {"increase_allowance": {"spender": bob.bech32, "amount": "100"}}, "alice")
    pulled = cw_tx(node, pointer, {"transfer_from": {"owner": alice.bech32, "recipient": bob.bech32, "amount": "60"}},
                   "bob")
    h = pulled["height"]
    assert cw20_balance(node, pointer, bob, h) == 310 == erc20_balance(node, token, bob, h)
    assert cw20_balance(node, pointer, alice, h) == 690 == erc20_balance(node, token, alice, h)
    query = json.dumps({"allowance": {"owner": alice.bech32, "spender": bob.bech32}})
    allowance = node.pysei("query", "wasm", "smart", pointer, query, "--height", str(h), "--node", node.rpc_url)
    assert json.loads(allowance.stdout) == {"allowance": "40", "expires": {"never": {}}}
