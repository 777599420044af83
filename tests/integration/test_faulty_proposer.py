"""ProcessProposal on real CometBFT: in a 4-validator localnet, one validator (a test
proposer) proposes its blocks with one sender's nonces out of order; the three honest
validators reject them, the round moves on to an honest proposer, and every tx still
lands once, in nonce order, with every node agreeing on every app hash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from testnet.txgen import evm_call
from tests.support.localnet import LocalnetRunner
from tests.support.node import ROOT

pytestmark = pytest.mark.integration
SENDERS = 5
REJECTED = "rejecting proposal at height"


def post(url: str, body: object) -> object:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


def test_proposals_with_out_of_order_nonces_are_rejected_and_the_chain_goes_on(tmp_path):
    runner = LocalnetRunner(tmp_path / "net", accounts=SENDERS + 2)
    net = runner.init()
    faulty, honest = net.nodes[3], net.nodes[:3]
    with open(faulty.log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.faulty_proposer", "--home", str(faulty.home)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
        )
    faulty.pid_path.write_text(f"{proc.pid}\n")
    try:
        runner.start()
        url = honest[0].ports.evm_url
        accounts = net.accounts()[:SENDERS]
        hashes: list[list[str]] = [[] for _ in accounts]
        deadline, nonce = time.time() + 90, 0
        # Two nonces per sender per batch, until an honest validator has rejected a proposal.
        while not any(REJECTED in n.log_path.read_text(errors="replace") for n in honest):
            assert time.time() < deadline, "the faulty validator never proposed a block with txs"
            raws = [(i, evm_call(a, n, b"\x42" * 20, net.evm_chain_id, value=1))
                    for n in (nonce, nonce + 1) for i, a in enumerate(accounts)]
            answers = post(url, [{"jsonrpc": "2.0", "id": k, "method": "eth_sendRawTransaction",
                                  "params": ["0x" + raw.hex()]} for k, (_, raw) in enumerate(raws)])
            for (i, _), answer in zip(raws, sorted(answers, key=lambda a: a["id"]), strict=True):
                assert "result" in answer, answer
                hashes[i].append(answer["result"])
            nonce += 2
            time.sleep(0.3)
        rejections = [line for n in honest for line in n.log_path.read_text(errors="replace").splitlines()
                      if REJECTED in line]
        assert any("after nonce" in line for line in rejections), rejections[:3]
        flat = [h for sender in hashes for h in sender]
        receipts: dict[str, dict] = {}
        deadline = time.time() + 120
        while len(receipts) < len(flat) and time.time() < deadline:
            todo = [h for h in flat if h not in receipts][:100]
            for answer in post(url, [{"jsonrpc": "2.0", "id": k, "method": "eth_getTransactionReceipt",
                                      "params": [h]} for k, h in enumerate(todo)]):
                if answer.get("result"):
                    receipts[todo[answer["id"]]] = answer["result"]
            time.sleep(0.3)
        assert len(receipts) == len(flat)
        assert {r["status"] for r in receipts.values()} == {"0x1"}
        for sender in hashes:
            where = [(int(receipts[h]["blockNumber"], 16), int(receipts[h]["transactionIndex"], 16)) for h in sender]
            assert where == sorted(where)
        top = max(runner.heights())
        runner.wait_height(top + 1)
        report = runner.consistency()
        assert report.ok, report.describe()
    finally:
        runner.stop()
