"""A Hardhat 2 project (tests/e2e/js/hardhat, pinned in package-lock.json) deploys and
calls a contract on a real node with ``npx hardhat run``, compiling with the npm solc."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.e2e.conftest import E2E, JS

pytestmark = pytest.mark.e2e


def test_hardhat_run(e2e: E2E, tmp_path) -> None:
    env = {
        **os.environ, "PYSEI_RPC": e2e.http, "PYSEI_KEY": e2e.keys["validator"], "PYSEI_HARDHAT_OUT": str(tmp_path),
        "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true",
    }
    proc = subprocess.run(
        ["npx", "--no-install", "hardhat", "run", "scripts/deploy.js", "--network", "pysei"],
        cwd=JS / "hardhat", env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out == {**out, "chainId": "713714", "count": "5", "event": "Increased", "status": 1,
                   "revert": "Counter: zero increase"}
