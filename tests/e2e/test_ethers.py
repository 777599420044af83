"""ethers.js v6 (pinned in tests/e2e/js) drives the ERC-20 flow against a real node."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.e2e.conftest import E2E, JS, TOKEN_SOL

pytestmark = pytest.mark.e2e


def test_erc20_with_ethers(e2e: E2E) -> None:
    proc = subprocess.run(
        ["node", "erc20_ethers.mjs", e2e.http, e2e.ws, e2e.keys["bob"], str(TOKEN_SOL)],
        cwd=JS, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["chainId"] == "713714"
    assert out["deployStatus"] == 1 and out["transferStatus"] == 1
    assert out["balance"] == "777"
    assert out["logs"][-1]["value"] == "777" and out["logs"][-1]["tx"] == out["transferHash"]
    assert out["wsEvent"]["value"] == "777" and out["wsEvent"]["tx"] == out["transferHash"]
    assert out["revert"] == "TestToken: insufficient balance"
    assert int(out["maxFeePerGas"]) > 0
