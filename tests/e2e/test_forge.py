"""Foundry's ``forge script --broadcast`` (default mode: every tx sent without waiting for
the previous one's block) deploys a contract and makes 30 calls from one key: all land.

forge is the real binary from npm (``@foundry-rs/forge-linux-amd64``); its solc is solc-js
behind ``tests/e2e/forge/solc``, passed with ``--use``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account

from tests.e2e.conftest import E2E, JS

pytestmark = pytest.mark.e2e
FORGE = JS / "node_modules" / "@foundry-rs" / "forge-linux-amd64" / "bin" / "forge"
PROJECT = Path(__file__).resolve().parent / "forge"
CALLS = 30


def call(url: str, method: str, *params: Any) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    with urllib.request.urlopen(urllib.request.Request(url, body, {"Content-Type": "application/json"}), timeout=30) as r:
        out = json.loads(r.read())
    assert "error" not in out, (method, out)
    return out["result"]


def funded_key(e2e: E2E) -> Any:
    """A fresh key holding 10 SEI, sent by alice and mined."""
    key = Account.from_key(hashlib.sha256(b"forge-e2e").digest())
    alice = Account.from_key(e2e.keys["alice"])
    nonce = int(call(e2e.http, "eth_getTransactionCount", alice.address, "pending"), 16)
    tx = {"type": 2, "chainId": 713714, "nonce": nonce, "to": key.address, "value": 10 * 10**18, "gas": 21_000,
          "maxFeePerGas": 10 * 10**9, "maxPriorityFeePerGas": 10**9}
    h = call(e2e.http, "eth_sendRawTransaction", "0x" + bytes(alice.sign_transaction(tx).raw_transaction).hex())
    deadline = time.time() + 30
    while call(e2e.http, "eth_getTransactionReceipt", h) is None:
        assert time.time() < deadline, "funding tx not mined"
        time.sleep(0.2)
    return key


def test_forge_script_broadcast_deploys_and_calls_thirty_times(e2e: E2E, tmp_path: Path) -> None:
    key = funded_key(e2e)
    project = tmp_path / "forge"
    project.mkdir()
    for part in ("foundry.toml", "src", "script"):
        (shutil.copytree if (PROJECT / part).is_dir() else shutil.copy)(PROJECT / part, project / part)
    out = subprocess.run(
        [str(FORGE), "script", "script/Deploy.s.sol:Deploy", "--rpc-url", e2e.http, "--broadcast",
         "--use", str(PROJECT / "solc"), "--non-interactive"],
        cwd=project, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PRIVATE_KEY": "0x" + bytes(key.key).hex().removeprefix("0x"), "CALLS": str(CALLS), "NO_COLOR": "1"},
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "ONCHAIN EXECUTION COMPLETE & SUCCESSFUL" in out.stdout
    run = json.loads((project / "broadcast" / "Deploy.s.sol" / "713714" / "run-latest.json").read_text())
    assert len(run["transactions"]) == len(run["receipts"]) == 1 + CALLS
    for sent in run["transactions"]:
        receipt = call(e2e.http, "eth_getTransactionReceipt", sent["hash"])
        assert receipt["status"] == "0x1", sent["hash"]
    tally = run["transactions"][0]["contractAddress"]
    count = call(e2e.http, "eth_call", {"to": tally, "data": "0x06661abd"}, "latest")  # count()
    assert int(count, 16) == CALLS
    assert int(call(e2e.http, "eth_getTransactionCount", key.address, "latest"), 16) == 1 + CALLS
