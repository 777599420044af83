"""A 4-validator localnet (OCC workers 1-4) carries the pipelined load: 50 senders x 100
transfers in nonce order, JSON-RPC batches of 100 over 4 keep-alive connections to one
node; every tx is accepted and included, and every node computes the same app hash at
every height."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request

import pytest

from testnet.pipelined import send_batches, sign_pipelined
from tests.support.localnet import LocalnetRunner

pytestmark = pytest.mark.integration
SENDERS, PER_SENDER = 50, 100


def included(url: str, hashes: list[str], timeout: float = 300) -> set[str]:
    """The hashes among ``hashes`` that have a receipt, polled until all do or time runs out."""
    found: set[str] = set()
    deadline = time.time() + timeout
    while len(found) < len(hashes) and time.time() < deadline:
        todo = [h for h in hashes if h not in found][:100]
        body = json.dumps([{"jsonrpc": "2.0", "id": i, "method": "eth_getTransactionReceipt", "params": [h]}
                           for i, h in enumerate(todo)]).encode()
        with urllib.request.urlopen(urllib.request.Request(url, body, {"Content-Type": "application/json"})) as r:
            answers = json.loads(r.read())
        found.update(todo[a["id"]] for a in answers if a.get("result"))
        time.sleep(0.3)
    return found


def test_pipelined_load_all_included_and_every_node_agrees(tmp_path):
    with LocalnetRunner(tmp_path / "net", accounts=SENDERS + 2) as net:
        raws = sign_pipelined(net.net, SENDERS, PER_SENDER)
        url = net.nodes[0].ports.evm_url
        answers = asyncio.run(send_batches(url, raws, 100, 4))
        rejected = [a["error"] for _, a in answers if "error" in a]
        assert rejected == []
        hashes = [a["result"] for _, a in answers]
        assert len(set(hashes)) == SENDERS * PER_SENDER
        assert len(included(url, hashes)) == SENDERS * PER_SENDER
        top = max(net.heights())
        net.wait_height(top + 1)
        report = net.consistency()
        assert report.ok, report.describe()
        assert report.checked[1] >= top
