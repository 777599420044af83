"""An adversarial validator on a real 4-validator localnet: one validator (a test-only
faulty proposer, ``tests/support/faulty_proposer.py``) adds to every block it proposes an
undecodable tx, a tx twice, a tx over the block's limit on gas wanted, or a native tx with a bad
signature (one fault per test). The honest validators reject each such proposal in
ProcessProposal: while the faulty validator is online and voting, none of its blocks is
committed, its turns end in a later round with an honest proposer, no honest node stops,
and every node computed the same app hash at every height (``pysei testnet check``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from testnet import rpc
from testnet.manifest import NodeInfo
from testnet.process import alive, read_pid, stop_node
from tests.support.localnet import LocalnetRunner
from tests.support.node import ROOT

pytestmark = pytest.mark.integration
#: Heights watched per fault: with 4 validators of equal power, the faulty one's turn
#: comes about every 4 heights.
WINDOW = 12


def _start_faulty(runner: LocalnetRunner, node: NodeInfo, fault: str) -> None:
    with open(node.log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.faulty_proposer", "--home", str(node.home), "--fault", fault,
             "--localnet", str(runner.root)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
        )
    node.pid_path.write_text(f"{proc.pid}\n")


def _validator_address(node: NodeInfo) -> str:
    key = json.loads((node.home / "cometbft" / "config" / "priv_validator_key.json").read_text())
    return key["address"].upper()


@pytest.fixture(scope="module")
def localnet(tmp_path_factory) -> Iterator[LocalnetRunner]:
    # the faulty validator restarts once per fault: no downtime jailing (it must stay a validator)
    runner = LocalnetRunner(tmp_path_factory.mktemp("adversarial") / "net", accounts=4,
                            slashing_params={"signed_blocks_window": 100_000, "min_signed_per_window": 0})
    net = runner.init()
    _start_faulty(runner, net.nodes[3], "undecodable")
    try:
        runner.start()
        yield runner
    finally:
        runner.stop()


@pytest.mark.parametrize("fault", ["undecodable", "duplicate", "over_gas", "bad_signature"])
def test_honest_validators_reject_every_faulty_proposal_and_agree(localnet: LocalnetRunner, fault: str):
    faulty, honest = localnet.nodes[3], localnet.nodes[:3]
    stop_node(faulty, timeout=20)
    _start_faulty(localnet, faulty, fault)
    address = _validator_address(faulty)
    url = honest[0].rpc_url
    # from the first commit the restarted faulty validator signed: it is online and voting
    start, deadline = rpc.height(url), time.time() + 240
    while address not in _signers(url, start):
        assert time.time() < deadline, "the faulty validator never voted again"
        localnet.wait_height(start + 1, honest)
        start += 1
    localnet.wait_height(start + WINDOW + 1, honest, timeout=240)
    assert address in _validators(url, start + WINDOW)
    proposers = {h: _proposer(url, h) for h in range(start, start + WINDOW)}
    later_rounds = [h for h in range(start, start + WINDOW) if _commit_round(url, h) > 0]
    signed = [h for h in range(start, start + WINDOW) if address in _signers(url, h)]
    assert address not in proposers.values(), proposers
    assert later_rounds, "the faulty validator never had a turn to propose"
    assert len(signed) >= WINDOW // 2, signed  # online and voting through the window
    assert all(alive(read_pid(n)) for n in honest)
    report = localnet.consistency()
    assert report.ok, report.describe()


def _proposer(url: str, height: int) -> str:
    return rpc.call(url, "block", height=str(height))["block"]["header"]["proposer_address"].upper()


def _validators(url: str, height: int) -> set[str]:
    return {v["address"].upper() for v in rpc.call(url, "validators", height=str(height))["validators"]}


def _commit(url: str, height: int) -> dict:
    return rpc.call(url, "commit", height=str(height))["signed_header"]["commit"]


def _commit_round(url: str, height: int) -> int:
    return int(_commit(url, height)["round"])


def _signers(url: str, height: int) -> set[str]:
    return {s["validator_address"].upper() for s in _commit(url, height)["signatures"] if s.get("validator_address")}
