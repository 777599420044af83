"""ethers.js v6 (pinned in tests/e2e/js) calls the bank, addr, json and staking precompiles of
a real node with ABIs compiled from the published .sol interfaces, as a dapp would; the
delegation it makes is then read back with ``pysei query delegation``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from abci_app.cli.keyring import Keyring
from ledger.addresses import VALOPER_PREFIX, to_bech32
from tests.e2e.conftest import JS, npm_ready
from tests.support.node import LocalNode

pytestmark = pytest.mark.e2e
PRECOMPILES = Path(__file__).resolve().parents[2] / "evm_bridge" / "precompiles"
DELEGATE_USEI = 2_500_000
WEI_PER_USEI = 10**12


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    npm_ready()
    with LocalNode(tmp_path_factory.mktemp("precompiles-ethers") / "home", chain_id="pysei-e2e-1") as n:
        yield n


def _cli(node: LocalNode, *args: str) -> dict:
    out = node.pysei(*args, "--node", node.rpc_url, "--home", str(node.home), check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout)


def test_precompiles_from_ethers(node: LocalNode) -> None:
    ring = Keyring(node.home / "keys")
    alice, validator = ring.get("alice"), ring.get("validator")
    valoper = to_bech32(validator.sei_address, VALOPER_PREFIX)
    proc = subprocess.run(
        ["node", "precompiles_ethers.mjs", node.evm_url, "0x" + alice.privkey.hex(), str(PRECOMPILES), valoper,
         str(DELEGATE_USEI * WEI_PER_USEI)],
        cwd=JS, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    out = json.loads(proc.stdout.strip().splitlines()[-1])

    assert out["address"].lower() == "0x" + alice.evm_address.hex()
    native = _cli(node, "query", "balance", alice.bech32, "--height", str(out["height"]))
    assert out["balance"] == native["amount"] and int(native["amount"]) > 0
    assert out["seiAddr"] == alice.bech32 and out["evmAddr"] == out["address"]
    assert out["unassociated"].lower() == f"address {out['stranger'].lower()} is not associated"
    assert out["extracted"] == "123456789"
    assert "not a whole number of usei" in out["fractional"]

    assert out["delegateStatus"] == 1
    assert out["delegateEvent"] == [{"delegator": out["address"], "validator": valoper, "amount": str(DELEGATE_USEI)}]
    assert out["delegation"] == {"amount": str(DELEGATE_USEI), "denom": "usei", "delegator": alice.bech32,
                                 "validator": valoper}
    d = _cli(node, "query", "delegation", alice.bech32, valoper)["delegation_response"]
    assert d["balance"] == {"denom": "usei", "amount": str(DELEGATE_USEI)}
    assert d["delegation"]["delegator_address"] == alice.bech32
    assert d["delegation"]["validator_address"] == valoper
