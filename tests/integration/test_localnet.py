"""A 4-validator localnet (OCC workers 1, 2, 3, 4) of real cometbft + pysei processes:
mixed load with every node agreeing at every height, a validator killed with -9 under load,
and a fifth node joining by state sync."""

from __future__ import annotations

import threading
import time

import pytest

from testnet import rpc
from testnet.join import add_node
from testnet.load import LoadReport, run_load
from testnet.process import start_node
from tests.support.localnet import LocalnetRunner

pytestmark = pytest.mark.integration
SNAPSHOT_INTERVAL = 20


@pytest.fixture(scope="module")
def localnet(tmp_path_factory):
    with LocalnetRunner(tmp_path_factory.mktemp("localnet"), snapshot_interval=SNAPSHOT_INTERVAL) as net:
        yield net


def _agree(localnet: LocalnetRunner, nodes=None) -> None:
    """All nodes at one height, and the same computed app hash at every height up to it."""
    top = max(localnet.heights(nodes))
    localnet.wait_height(top + 1, nodes)
    report = localnet.consistency()
    assert report.ok, report.describe() + "\n" + localnet.tail_logs()
    assert report.checked[1] >= top


def test_mixed_load_every_node_agrees(localnet):
    report = run_load(localnet.root, 2000, 300, mix="native=0.4,evm=0.4,erc20=0.2")
    print("\n" + "\n".join(report.lines()))
    assert report.accepted == 2000, report.reject_reasons
    assert report.lost == 0, report.lost_hashes
    assert report.committed == report.accepted and report.failed == 0
    assert report.blocks >= 2
    _agree(localnet)


def test_kill_9_validator_under_load_then_catch_up(localnet):
    victim = localnet.nodes[3]
    out: dict[str, LoadReport] = {}
    load = threading.Thread(target=lambda: out.setdefault("r", run_load(
        localnet.root, 600, 100, mix="native=0.5,evm=0.5", nodes=3)))
    load.start()
    time.sleep(2)
    localnet.kill(victim)
    killed_at = max(localnet.heights(localnet.nodes[:3]))
    localnet.wait_height(killed_at + 5, localnet.nodes[:3], timeout=60)
    assert rpc.height(victim.rpc_url) == 0
    load.join(timeout=180)
    report = out["r"]
    assert report.lost == 0 and report.committed == report.accepted == 600, report.lines()
    start_node(victim)
    top = max(localnet.heights(localnet.nodes[:3]))
    localnet.wait_height(top, [victim], timeout=120)
    _agree(localnet)


def test_fifth_node_joins_by_state_sync(localnet):
    localnet.wait_height(2 * SNAPSHOT_INTERVAL + 3)
    node = add_node(localnet.root, base_port=localnet.base_port, state_sync=True)
    localnet.reload()
    start_node(node)
    top = max(localnet.heights(localnet.nodes[:4]))
    localnet.wait_height(top, [node], timeout=120)
    base = int(rpc.call(node.rpc_url, "status")["sync_info"]["earliest_block_height"])
    assert base > 1, "the node block-synced from genesis instead of restoring a snapshot"
    _agree(localnet)
