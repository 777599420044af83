"""Staking on a real node: the genesis validator comes from the staking module, a new
validator created with MsgCreateValidator enters CometBFT's /validators with the expected
power within 2 blocks, and a delegation raises that power."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from tests.support.node import LocalNode

NEW_KEY = hashlib.sha256(b"pysei staking integration").digest()  # 32 bytes: an ed25519 public key


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    n = LocalNode(tmp_path_factory.mktemp("staking") / "home")
    n.init()
    n.start()
    yield n
    n.stop()


def _cli(node: LocalNode, *args: str) -> dict:
    out = node.pysei(*args, "--node", node.rpc_url, "--home", str(node.home), check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads(out.stdout)


def _powers(node: LocalNode, height: int | None = None) -> dict[str, int]:
    params = {"height": str(height)} if height else {}
    vals = node.rpc("validators", **params)["validators"]
    return {v["pub_key"]["value"]: int(v["voting_power"]) for v in vals}


def test_genesis_validator_power_comes_from_staking(node: LocalNode) -> None:
    assert list(_powers(node).values()) == [1_000_000]
    out = _cli(node, "query", "validators")
    (v,) = out["validators"]
    assert v["status"] == "BOND_STATUS_BONDED" and v["tokens"] == str(10**12)


def test_created_validator_appears_within_two_blocks_and_delegation_raises_it(node: LocalNode) -> None:
    pub = base64.b64encode(NEW_KEY).decode()
    res = _cli(node, "tx", "staking", "create-validator", "7000000usei", "--from", "alice", "--pubkey", pub,
               "--moniker", "joiner", "--fees", "10000usei")
    assert res["code"] == 0, res
    h = res["height"]
    node.wait_height(h + 3)
    assert _powers(node, h + 2).get(pub) == 7
    alice_valoper = _cli(node, "query", "validators")["validators"]
    joiner = next(v for v in alice_valoper if v["description"]["moniker"] == "joiner")
    res = _cli(node, "tx", "staking", "delegate", joiner["operator_address"], "3000000usei", "--from", "bob",
               "--fees", "10000usei")
    assert res["code"] == 0, res
    node.wait_height(res["height"] + 3)
    assert _powers(node, res["height"] + 2).get(pub) == 10
    assert node.height() > res["height"] + 2  # the chain keeps going with the joiner (power 10 of 1,000,010)
