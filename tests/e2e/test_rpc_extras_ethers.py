"""ethers v6 calls eth_simulateV1, eth_getProof, the tracers and Sei's namespace on a real node."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.e2e.conftest import E2E, JS

pytestmark = pytest.mark.e2e


def test_newer_methods_through_ethers(e2e: E2E) -> None:
    proc = subprocess.run(["node", "rpc_extras_ethers.mjs", e2e.http, e2e.keys["validator"]],
                          cwd=JS, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["status"] == 1
    assert (out["simulatedStatus"], out["simulatedTransferLogs"]) == ("0x1", 1)
    assert out["proofNonce"] == out["nonceAfter"] and out["proofBalance"] == out["balanceAt"]
    assert out["accountProofs"] == 4
    assert (out["callType"], out["callTo"], out["callValue"]) == ("CALL", out["bob"], "12345")
    assert out["bobPostBalance"] == "12345"
    assert out["seiAddress"].startswith("sei1") and out["evmAddress"] == out["wallet"]
    assert out["evmHash"] == out["txHash"] and len(out["cosmosHash"]) == 64
