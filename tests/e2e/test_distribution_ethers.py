"""ethers.js v6 on a real node: a wallet delegates through the staking precompile, waits some
blocks of fees, and withdraws its rewards through the distribution precompile; its usei
balance (``pysei query balance``) rises by exactly what ``rewards`` reported at the block
before the withdrawal, less the withdrawal's fee (whole usei at a gas price of 10^12 wei)."""

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
DELEGATE_USEI = 9 * 10**12  # 9x the genesis validator's self-delegation: most of the rewards
WEI_PER_USEI = 10**12


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    npm_ready()
    with LocalNode(tmp_path_factory.mktemp("distribution-ethers") / "home", chain_id="pysei-e2e-1") as n:
        yield n


def _cli(node: LocalNode, *args: str) -> dict:
    out = node.pysei(*args, "--node", node.rpc_url, "--home", str(node.home), check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout)


def test_delegate_then_withdraw_rewards_from_ethers(node: LocalNode) -> None:
    ring = Keyring(node.home / "keys")
    alice, validator = ring.get("alice"), ring.get("validator")
    valoper = to_bech32(validator.sei_address, VALOPER_PREFIX)
    proc = subprocess.run(
        ["node", "distribution_ethers.mjs", node.evm_url, "0x" + alice.privkey.hex(), str(PRECOMPILES), valoper,
         str(DELEGATE_USEI * WEI_PER_USEI)],
        cwd=JS, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["address"].lower() == "0x" + alice.evm_address.hex()
    assert (out["delegateStatus"], out["withdrawStatus"]) == (1, 1)

    (total,) = out["total"]
    assert total["denom"] == "usei" and total["decimals"] == "18"
    reward, rest = divmod(int(total["amount"]), 10**18)
    assert reward > 0 and rest == 0
    assert out["rewards"] == [{"validator": valoper, "coins": [total]}]
    assert out["events"] == [{"delegator": out["address"], "validator": valoper, "amount": str(reward)}]

    fee_wei = int(out["gasUsed"]) * int(out["gasPrice"])
    assert int(out["gasPrice"]) == WEI_PER_USEI and fee_wei % WEI_PER_USEI == 0
    height = out["withdrawHeight"]
    before = int(_cli(node, "query", "balance", alice.bech32, "--height", str(height - 1))["amount"])
    after = int(_cli(node, "query", "balance", alice.bech32, "--height", str(height))["amount"])
    assert after - before == reward - fee_wei // WEI_PER_USEI
    # the delegation made from ethers, seen by the native query
    native = _cli(node, "query", "delegation", alice.bech32, valoper)["delegation_response"]
    assert native["balance"] == {"denom": "usei", "amount": str(DELEGATE_USEI)}
