"""Long soak and fault campaigns (``make soak``; not part of ``make test``). Each prints
its figures; the README records them."""

from __future__ import annotations

import os
import threading
import time

import pytest

from testnet.load import run_load
from testnet.process import start_node
from tests.integration.test_crash_recovery import kill_campaign
from tests.integration.test_localnet import _agree
from tests.support.localnet import LocalnetRunner

pytestmark = pytest.mark.soak
KILLS = int(os.environ.get("PYSEI_SOAK_KILLS", "30"))
TXS = int(os.environ.get("PYSEI_SOAK_TXS", "8000"))
#: A rate four full nodes on two cores sustain (about 100 TPS here); above it the mempool
#: backs up and txs wait past any commit deadline.
RATE = float(os.environ.get("PYSEI_SOAK_RATE", "80"))


def test_kill_9_campaign_single_node(tmp_path):
    figures = kill_campaign(tmp_path, KILLS, min_heights=10 * KILLS, seed=7, snapshot_interval=7)
    print(f"\nkill -9 campaign: {figures}")


def test_localnet_long_load_with_a_kill(tmp_path):

    runner = LocalnetRunner(tmp_path / "net", snapshot_interval=50)
    runner.init()
    runner.start()
    try:
        out: dict = {}
        load = threading.Thread(target=lambda: out.setdefault("r", run_load(
            runner.root, TXS, RATE, mix="native=0.4,evm=0.4,erc20=0.2", nodes=3, commit_timeout=300)))
        began = time.perf_counter()
        load.start()
        time.sleep(20)
        victim = runner.nodes[3]
        runner.kill(victim)
        time.sleep(20)
        start_node(victim)
        load.join(timeout=TXS / RATE + 400)
        report = out["r"]
        print(f"\nlocalnet soak ({time.perf_counter() - began:.0f} s):\n" + "\n".join(report.lines()))
        assert report.lost == 0 and report.committed == report.accepted, report.lines()
        top = max(runner.heights(runner.nodes[:3]))
        runner.wait_height(top, [victim], timeout=300)
        _agree(runner)
    finally:
        runner.stop()
