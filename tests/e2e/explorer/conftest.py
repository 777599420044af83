"""A real node (two OCC workers, so blocks are speculated) carrying EVM, native and Wasm
txs, its explorer, and a headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_hash.auto import keccak
from playwright.sync_api import Browser, Page, sync_playwright
from web3 import Web3

from tests.support.cw import build_contract
from tests.support.node import LocalNode
from tests.support.solc import compile_contract

ROOT = Path(__file__).resolve().parents[3]
TOKEN_SOL = ROOT / "tests" / "e2e" / "contracts" / "TestToken.sol"
RELAY_SOL = Path(__file__).resolve().parent / "Relay.sol"
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "docs" / "explorer"
#: Same-sender transfers sent at once: consecutive nonces of one account in one block
#: make a worker's speculation read a nonce and balance the app's segment then writes.
BURST = 24
WASM_GAS, WASM_FEES = "5000000", "100000usei"


@dataclass
class Chain:
    node: LocalNode
    w3: Web3
    keys: dict[str, dict[str, Any]]
    token: str = ""
    relay: str = ""
    revert_hash: str = ""
    transfer_hash: str = ""
    burst_hashes: list[str] = field(default_factory=list)
    burst_recipient: str = ""
    token_burst_hashes: list[str] = field(default_factory=list)
    token_sink: str = ""
    bank_send_hash: str = ""
    wasm_hash: str = ""
    wasm_contract: str = ""

    @property
    def url(self) -> str:
        return self.node.explorer_url

    def cosmos_hash(self, evm_hash: str) -> str:
        """The CometBFT hash of an EVM tx: SHA-256 of its bytes as CometBFT's block holds them."""
        height = self.w3.eth.get_transaction_receipt(evm_hash)["blockNumber"]
        for tx in self.node.rpc("block", height=str(height))["block"]["data"]["txs"]:
            raw = base64.b64decode(tx)
            if "0x" + keccak(raw).hex() == evm_hash:
                return hashlib.sha256(raw).hexdigest().upper()
        raise AssertionError(f"{evm_hash} is not in block {height}")

    def occ_report(self, height: int) -> dict[str, Any] | None:
        res = self.node.rpc("abci_query", path="/pysei/occ/block", data="", height=str(height))["response"]
        if int(res.get("code", 0) or 0) != 0:
            return None
        return json.loads(base64.b64decode(res["value"]))


def send(w3: Web3, key: str, tx: dict[str, Any], nonce: int | None = None) -> str:
    acct = Account.from_key(key)
    tx = {**tx, "from": acct.address, "chainId": w3.eth.chain_id,
          "nonce": w3.eth.get_transaction_count(acct.address, "pending") if nonce is None else nonce}
    tx.setdefault("gasPrice", w3.eth.gas_price)
    if "gas" not in tx:
        tx["gas"] = w3.eth.estimate_gas(tx)
    return "0x" + w3.eth.send_raw_transaction(Account.sign_transaction(tx, key).raw_transaction).hex().removeprefix("0x")


def _call(contract: Any, name: str, *args: Any) -> dict[str, Any]:
    """A contract call with a fixed gas limit (a reverting call cannot be estimated)."""
    return {"to": contract.address, "data": contract.encode_abi(name, args=list(args)), "gas": 300_000}


def _wait(w3: Web3, tx_hash: str) -> None:
    w3.eth.wait_for_transaction_receipt(tx_hash, 60, 0.2)


def _wasm(node: LocalNode, *args: str) -> dict[str, Any]:
    out = node.pysei("tx", "wasm", *args, "--from", "alice", "--gas", WASM_GAS, "--fees", WASM_FEES,
                     "--chain-id", node.chain_id, "--node", node.rpc_url, "--home", str(node.home), check=False)
    result = json.loads(out.stdout or "{}")
    assert result.get("code") == 0, (result, out.stderr)
    return result


def _token_burst(chain: Chain, token: Any) -> None:
    """``BURST`` funded holders each send one token to the same sink at once: the only key
    their txs share is the sink's balance slot in the token's storage."""
    w3, alice = chain.w3, chain.keys["alice"]
    holders = [Account.create() for _ in range(BURST)]
    price, chain_id = w3.eth.gas_price, w3.eth.chain_id
    nonce = w3.eth.get_transaction_count(alice["evm_address"], "pending")
    funding = []
    for h in holders:
        funding.append({"to": h.address, "value": 10**17, "gas": 21_000})
        funding.append(_call(token, "transfer", h.address, 100))
    hashes = [w3.eth.send_raw_transaction(Account.sign_transaction(
        {**tx, "gasPrice": price, "nonce": nonce + i, "chainId": chain_id}, alice["key"]).raw_transaction)
        for i, tx in enumerate(funding)]
    for h in hashes:
        assert w3.eth.wait_for_transaction_receipt(h, 60, 0.2)["status"] == 1
    chain.token_sink = Account.create().address
    signed = [Account.sign_transaction({**_call(token, "transfer", chain.token_sink, 1), "gasPrice": price, "nonce": 0,
                                        "chainId": chain_id}, h.key).raw_transaction for h in holders]
    chain.token_burst_hashes = ["0x" + w3.eth.send_raw_transaction(r).hex().removeprefix("0x") for r in signed]
    for h in chain.token_burst_hashes:
        assert w3.eth.wait_for_transaction_receipt(h, 60, 0.2)["status"] == 1


def _carry_txs(chain: Chain) -> None:
    w3, keys, node = chain.w3, chain.keys, chain.node
    alice, bob = keys["alice"], keys["bob"]
    abi, bytecode = compile_contract(TOKEN_SOL, "TestToken")
    factory = w3.eth.contract(abi=abi, bytecode=bytecode)
    deploy = factory.constructor("Token", "TKN", 10**24).build_transaction({"from": alice["evm_address"], "gas": 2_000_000, "gasPrice": w3.eth.gas_price, "nonce": 0})
    receipt = w3.eth.wait_for_transaction_receipt(send(w3, alice["key"], {"data": deploy["data"], "gas": 2_000_000}), 60, 0.2)
    chain.token = receipt["contractAddress"]
    token = w3.eth.contract(address=chain.token, abi=abi)
    relay_abi, relay_code = compile_contract(RELAY_SOL, "Relay")
    receipt = w3.eth.wait_for_transaction_receipt(send(w3, alice["key"], {"data": "0x" + relay_code.hex(), "gas": 1_000_000}), 60, 0.2)
    chain.relay = receipt["contractAddress"]
    relay = w3.eth.contract(address=chain.relay, abi=relay_abi)
    _wait(w3, send(w3, alice["key"], _call(token, "approve", chain.relay, 10_000)))
    chain.transfer_hash = send(w3, alice["key"], _call(relay, "forward", chain.token, bob["evm_address"], 1234))
    _wait(w3, chain.transfer_hash)
    chain.revert_hash = send(w3, alice["key"], _call(relay, "forward", chain.token, bob["evm_address"], 10**30))
    _wait(w3, chain.revert_hash)

    _token_burst(chain, token)

    chain.burst_recipient = Account.create().address
    first = w3.eth.get_transaction_count(bob["evm_address"], "pending")
    price = w3.eth.gas_price
    raws = [Account.sign_transaction({"to": chain.burst_recipient, "value": 10**15 + i, "gas": 21_000, "gasPrice": price,
                                      "nonce": first + i, "chainId": w3.eth.chain_id}, bob["key"]) for i in range(BURST)]
    chain.burst_hashes = ["0x" + w3.eth.send_raw_transaction(r.raw_transaction).hex().removeprefix("0x") for r in raws]
    for h in chain.burst_hashes:
        w3.eth.wait_for_transaction_receipt(h, 60, 0.2)

    out = node.pysei("tx", "bank", "send", "validator", bob["address"], "1000usei", "--fees", "4000usei",
                     "--node", node.rpc_url, "--home", str(node.home), "--broadcast-mode", "commit")
    result = json.loads(out.stdout)
    assert result["code"] == 0, result
    chain.bank_send_hash = result["hash"]

    code_id = _wasm(node, "store", str(build_contract("cw20-base", "2.0.0")))["code_id"]
    init = {"name": "Token", "symbol": "TOK", "decimals": 6, "initial_balances": [{"address": alice["address"], "amount": "1000"}]}
    chain.wasm_contract = _wasm(node, "instantiate", code_id, json.dumps(init), "--label", "tok", "--admin", alice["address"])["_contract_address"]
    chain.wasm_hash = _wasm(node, "execute", chain.wasm_contract, json.dumps({"transfer": {"recipient": bob["address"], "amount": "25"}}))["hash"]


@pytest.fixture(scope="package")
def chain(tmp_path_factory) -> Iterator[Chain]:
    node = LocalNode(tmp_path_factory.mktemp("explorer") / "home", chain_id="pysei-explorer-1", occ_workers=2)
    node.init()
    node.start(wait_height=2)
    try:
        keys = {}
        for name in ("validator", "alice", "bob"):
            data = json.loads((node.home / "keys" / f"{name}.json").read_text())
            keys[name] = {**data, "key": "0x" + data["privkey"].removeprefix("0x")}
        chain = Chain(node, Web3(Web3.HTTPProvider(node.evm_url)), keys)
        _carry_txs(chain)
        yield chain
    finally:
        node.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless Chromium for this package's tests only: Playwright's sync API runs an event
    loop on the main thread while it is open, which later tests' ``asyncio.run`` refuse."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: make chromium installs Debian's chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Browser, request) -> Iterator[Page]:
    """A phone-sized page when the test is marked ``phone``, else a laptop-sized one; with
    ``PYSEI_SCREENSHOTS=1`` each test leaves ``docs/explorer/<test>.png``."""
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    try:
        yield pg
        if os.environ.get("PYSEI_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(SCREENSHOTS / f"{request.node.name.removeprefix('test_')}.png"), full_page=True)
    finally:
        ctx.close()


def free_explorer(node_rpc: str, evm: str, rest: str, port: int) -> subprocess.Popen:
    """``pysei explorer`` as its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "abci_app.cli.main", "explorer", "--node", node_rpc, "--evm-rpc", evm, "--rest", rest,
         "--address", f"127.0.0.1:{port}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
