"""Staking on a real 4-validator localnet (``testnet/``) with a short unbonding time and a
short liveness window: a fifth node becomes a validator with MsgCreateValidator and its power
follows delegations; an undelegation pays back at the first block past its completion time;
a stopped validator is jailed, leaves CometBFT's set, and rejoins after restart + MsgUnjail."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from abci_app.cli.keyring import Keyring
from abci_app.modules.staking.records import DEC, POWER_REDUCTION
from ledger.addresses import VALOPER_PREFIX, to_bech32
from testnet import rpc
from testnet.init import SELF_DELEGATION
from testnet.join import add_node
from testnet.manifest import NodeInfo
from testnet.process import start_node, stop_node
from tests.support.localnet import LocalnetRunner

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
UNBONDING_NS = 15 * 10**9
WINDOW = 20
JAIL_NS = 60 * 10**9  # long enough that the early unjail below lands before it ends, even on a loaded machine
SLASH_DOWNTIME = DEC // 100
FEES = "10000usei"
STAKE, MORE, LESS = 5_000_000, 3_000_000, 2_000_000  # usei: power 5, then 8, then 6


@pytest.fixture(scope="module")
def localnet(tmp_path_factory):
    with LocalnetRunner(
        tmp_path_factory.mktemp("staking-localnet"), workers=(1, 2, 1, 2), accounts=4,
        staking_params={"unbonding_time_ns": UNBONDING_NS},
        slashing_params={"signed_blocks_window": WINDOW, "min_signed_per_window": DEC // 2,
                         "downtime_jail_ns": JAIL_NS, "slash_fraction_downtime": SLASH_DOWNTIME},
    ) as net:
        yield net


@pytest.fixture(scope="module")
def shared() -> dict[str, Any]:
    """What one test leaves for the next (they run in file order on one chain)."""
    return {}


# ---- helpers ----

def pysei(node: NodeInfo, *args: str, rpc_url: str | None = None) -> dict:
    """``pysei ARGS --home <node> --node <rpc>`` -> its JSON output."""
    out = subprocess.run(
        [sys.executable, "-m", "abci_app.cli.main", *args, "--home", str(node.home), "--node", rpc_url or node.rpc_url],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert out.returncode in (0, 1) and out.stdout, out.stdout + out.stderr
    return json.loads(out.stdout)


def tx(node: NodeInfo, *args: str, rpc_url: str | None = None) -> dict:
    return pysei(node, "tx", *args, "--fees", FEES, "--broadcast-mode", "commit", rpc_url=rpc_url)


def key(node: NodeInfo, name: str) -> Any:
    return Keyring(node.home / "keys").get(name)


def consensus_key(node: NodeInfo) -> dict:
    return json.loads((node.home / "cometbft" / "config" / "priv_validator_key.json").read_text())


def powers(url: str, height: int | None = None) -> dict[str, int]:
    """CometBFT's validator set at ``height``: base64 pubkey -> voting power."""
    params = {"height": str(height)} if height else {}
    return {v["pub_key"]["value"]: int(v["voting_power"]) for v in rpc.call(url, "validators", **params)["validators"]}


def block_time_ns(url: str, height: int) -> int:
    ts = rpc.call(url, "block", height=str(height))["block"]["header"]["time"]
    head, _, frac = ts.rstrip("Z").partition(".")
    return int(datetime.fromisoformat(head + "+00:00").timestamp()) * 10**9 + int(frac.ljust(9, "0")[:9])


def first_signed(runner: LocalnetRunner, url: str, address: str, low: int, limit: int = 30) -> int:
    """The first height >= ``low`` whose ``last_commit`` holds a commit signature of ``address``."""
    for h in range(low, low + limit):
        runner.wait_height(h, [runner.nodes[0]], timeout=60)
        sigs = rpc.call(url, "block", height=str(h))["block"]["last_commit"]["signatures"]
        if any(s["validator_address"] == address and s["block_id_flag"] == 2 for s in sigs):
            return h
    raise AssertionError(f"{address} signed none of blocks {low}..{low + limit - 1}")


def missed(url: str, address: str, low: int, high: int) -> int:
    """Blocks ``low..high`` whose ``last_commit`` has no commit signature of ``address``."""
    return sum(
        not any(s["validator_address"] == address and s["block_id_flag"] == 2
                for s in rpc.call(url, "block", height=str(h))["block"]["last_commit"]["signatures"])
        for h in range(low, high + 1)
    )


def balance(node: NodeInfo, address: str, height: int) -> int:
    return int(pysei(node, "query", "balance", address, "--height", str(height))["amount"])


def power_change(runner: LocalnetRunner, res: dict, pubkey: str, expected: int) -> None:
    """A tx committed at h moves ``pubkey`` to ``expected`` in CometBFT's set of h + 2."""
    assert res["code"] == 0, res
    h = res["height"]
    runner.wait_height(h + 2, [runner.nodes[0]])
    assert powers(runner.nodes[0].rpc_url, h + 2).get(pubkey, 0) == expected


# ---- tests ----

def test_genesis_validators_are_staking_validators(localnet: LocalnetRunner) -> None:
    node0 = localnet.nodes[0]
    assert set(powers(node0.rpc_url).values()) == {SELF_DELEGATION // POWER_REDUCTION}
    vals = pysei(node0, "query", "validators")["validators"]
    assert len(vals) == 4
    assert {v["status"] for v in vals} == {"BOND_STATUS_BONDED"}
    assert {v["tokens"] for v in vals} == {str(SELF_DELEGATION)}
    for n in localnet.nodes:
        valoper = to_bech32(key(n, "validator").sei_address, VALOPER_PREFIX)
        d = pysei(node0, "query", "delegation", key(n, "validator").bech32, valoper)
        assert d["delegation_response"]["balance"]["amount"] == str(SELF_DELEGATION)


def test_fifth_node_becomes_validator_and_follows_delegations(localnet: LocalnetRunner, shared: dict) -> None:
    node0 = localnet.nodes[0]
    joiner = add_node(localnet.root, base_port=localnet.base_port, state_sync=False)
    localnet.reload()
    start_node(joiner)
    localnet.wait_height(max(localnet.heights(localnet.nodes[:4])), [joiner], timeout=120)
    operator = key(joiner, "node")
    res = pysei(node0, "tx", "bank", "send", "validator", operator.bech32, f"{STAKE + 10**7}usei",
                "--fees", FEES, "--broadcast-mode", "commit")
    assert res["code"] == 0, res
    localnet.wait_height(res["height"] + 1, [joiner])

    res = tx(joiner, "staking", "create-validator", f"{STAKE}usei", "--from", "node", "--moniker", joiner.name)
    cons = consensus_key(joiner)
    pub = cons["pub_key"]["value"]
    power_change(localnet, res, pub, STAKE // POWER_REDUCTION)
    assert pub not in powers(node0.rpc_url, res["height"] + 1)
    signed_at = first_signed(localnet, node0.rpc_url, cons["address"], res["height"] + 3)
    print(f"\ncreate-validator at {res['height']}, in the set at {res['height'] + 2}, first signature in {signed_at}")

    valoper = to_bech32(operator.sei_address, VALOPER_PREFIX)
    res = tx(node0, "staking", "delegate", valoper, f"{MORE}usei", "--from", "validator")
    power_change(localnet, res, pub, (STAKE + MORE) // POWER_REDUCTION)
    res = tx(joiner, "staking", "unbond", valoper, f"{LESS}usei", "--from", "node")
    power_change(localnet, res, pub, (STAKE + MORE - LESS) // POWER_REDUCTION)
    shared.update(unbond=res, joiner=joiner, operator=operator.bech32)


def test_undelegation_pays_back_after_unbonding_time_not_before(localnet: LocalnetRunner, shared: dict) -> None:
    node0 = localnet.nodes[0]
    res, who = shared["unbond"], shared["operator"]
    hu = res["height"]
    result = rpc.call(node0.rpc_url, "tx", hash=base64.b64encode(bytes.fromhex(res["hash"])).decode())["tx_result"]
    unbond = next(e for e in result["events"] if e["type"] == "unbond")
    done = int(next(a["value"] for a in unbond["attributes"] if a["key"] == "completion_time"))
    assert done == block_time_ns(node0.rpc_url, hu) + UNBONDING_NS
    deadline = time.time() + UNBONDING_NS / 1e9 + 60
    paid_at = hu + 1
    while True:  # the first height whose block time reaches the completion time
        localnet.wait_height(paid_at, [node0], timeout=max(1, deadline - time.time()))
        if block_time_ns(node0.rpc_url, paid_at) >= done:
            break
        paid_at += 1
    before = balance(node0, who, hu)
    assert balance(node0, who, paid_at - 1) == before
    assert balance(node0, who, paid_at) == before + LESS
    print(f"\nunbond at {hu}, paid back at {paid_at} "
          f"({(block_time_ns(node0.rpc_url, paid_at) - done) / 1e6:.0f} ms after the completion time)")


def test_stopped_validator_is_jailed_and_rejoins_after_unjail(localnet: LocalnetRunner) -> None:
    node0, victim = localnet.nodes[0], localnet.nodes[3]
    live = [n for n in localnet.nodes if n is not victim]
    pub = consensus_key(victim)["pub_key"]["value"]
    valoper = to_bech32(key(victim, "validator").sei_address, VALOPER_PREFIX)
    assert pub in powers(node0.rpc_url)
    stop_node(victim)
    stopped_at = max(localnet.heights(live))
    deadline = time.time() + 120
    while not (v := pysei(node0, "query", "validator", valoper)["validator"]).get("jailed"):
        assert time.time() < deadline, localnet.tail_logs()
        time.sleep(1)
    jailed_at = int(pysei(node0, "query", "validator", valoper)["height"])
    # the first height with the validator jailed: its state at the height before says not jailed
    while pysei(node0, "query", "validator", valoper, "--height", str(jailed_at - 1))["validator"].get("jailed"):
        jailed_at -= 1
    jailed_until = block_time_ns(node0.rpc_url, jailed_at) + JAIL_NS
    # the early unjail goes first, while the jail surely still runs (the checks below take
    # seconds of CLI calls on a loaded machine)
    early = tx(victim, "staking", "unjail", "--from", "validator", rpc_url=node0.rpc_url)
    assert early["code"] != 0 and "still jailed" in early["log"], early  # CheckTx already refuses it
    assert early["height"] == 0 or block_time_ns(node0.rpc_url, early["height"]) < jailed_until
    # jailed by the first vote that made the misses of the window exceed half of it
    assert missed(node0.rpc_url, consensus_key(victim)["address"], jailed_at - WINDOW + 1, jailed_at) == WINDOW // 2 + 1
    localnet.wait_height(jailed_at + 5, live)
    assert pub in powers(node0.rpc_url, jailed_at + 1)
    assert pub not in powers(node0.rpc_url, jailed_at + 2)
    assert pub not in powers(node0.rpc_url)
    assert int(v["tokens"]) == SELF_DELEGATION - SELF_DELEGATION * SLASH_DOWNTIME // DEC
    print(f"\nstopped at ~{stopped_at}, jailed at {jailed_at}, out of the set from {jailed_at + 2}")

    start_node(victim)
    localnet.wait_height(max(localnet.heights(live)), [victim], timeout=120)
    while block_time_ns(node0.rpc_url, localnet.heights([node0])[0]) < jailed_until:
        time.sleep(0.5)
    res = tx(victim, "staking", "unjail", "--from", "validator", rpc_url=node0.rpc_url)
    tokens = int(pysei(node0, "query", "validator", valoper)["validator"]["tokens"])
    power_change(localnet, res, pub, tokens // POWER_REDUCTION)
    signed_at = first_signed(localnet, node0.rpc_url, consensus_key(victim)["address"], res["height"] + 3)
    print(f"unjailed at {res['height']}, back in the set at {res['height'] + 2}, signing again at {signed_at}")
    report = localnet.consistency()
    assert report.ok, report.describe()
