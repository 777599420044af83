"""One real node (``pysei init`` + ``pysei start``: the app and CometBFT) for the e2e tests,
with its genesis-funded keys and the test ERC-20 compiled by solc from npm."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.node import LocalNode
from tests.support.solc import compile_contract

HERE = Path(__file__).resolve().parent
JS = HERE / "js"
TOKEN_SOL = HERE / "contracts" / "TestToken.sol"


@dataclass
class E2E:
    node: LocalNode
    keys: dict[str, str]  # name -> 0x private key
    abi: list[dict[str, Any]]
    bytecode: bytes

    @property
    def http(self) -> str:
        return self.node.evm_url

    @property
    def ws(self) -> str:
        return self.node.ws_url


def npm_ready() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("node and npm are required for the e2e tests (see README: set-up)")
    needed = ("hardhat", "ethers", "@foundry-rs/forge-linux-amd64", "@cosmjs/stargate", "@cosmjs/cosmwasm")
    if not all((JS / "node_modules" / name).is_dir() for name in needed):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS, check=True)


@pytest.fixture(scope="session")
def e2e(tmp_path_factory) -> E2E:
    npm_ready()
    abi, bytecode = compile_contract(TOKEN_SOL, "TestToken")
    home = tmp_path_factory.mktemp("e2e") / "home"
    node = LocalNode(home, chain_id="pysei-e2e-1")
    node.init()
    node.start(wait_height=2)
    keys = {}
    for name in ("validator", "alice", "bob"):
        data = json.loads((home / "keys" / f"{name}.json").read_text())
        keys[name] = "0x" + data["privkey"].removeprefix("0x")
    try:
        yield E2E(node, keys, abi, bytecode)
    finally:
        node.stop()
