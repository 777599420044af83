"""App-hash divergence is seen and located: one validator of four executes native txs with
another chain id (its signatures fail there), so its app hash differs from the others' at the
first block with such txs; the check names that height, that node and the stores that differ."""

from __future__ import annotations

import pytest

from abci_app.config import AppConfig
from testnet import rpc
from testnet.load import run_load
from tests.support.localnet import LocalnetRunner

pytestmark = pytest.mark.integration


def test_divergence_names_height_node_and_stores(tmp_path):
    runner = LocalnetRunner(tmp_path / "net", workers=(1, 2, 1, 2), accounts=40, spare_nodes=0)
    net = runner.init()
    odd = net.nodes[3]
    cfg = AppConfig.load(odd.home)
    cfg.chain_id = "pysei-elsewhere-1"
    cfg.save(odd.home)
    try:
        runner.start()
        report = run_load(runner.root, 10, 50, mix="native=1", nodes=3)
        assert report.committed == 10, report.lines()
        healthy = runner.nodes[:3]
        runner.wait_height(report.heights[1] + 3, healthy)
        result = runner.consistency()
        print("\n" + result.describe())
        d = result.divergence
        assert d is not None, result.describe()
        assert d.minority == [odd.name]
        assert d.height == report.heights[0]
        assert {"acc", "bank"} <= set(d.stores), d.stores
        assert rpc.height(odd.rpc_url) <= d.height + 1  # CometBFT refused the next block there
        assert min(runner.heights(healthy)) > d.height + 2  # the other three went on
    finally:
        runner.stop()
