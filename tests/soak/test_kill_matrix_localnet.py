"""The hard-kill matrix on one validator of a loaded 4-validator localnet (``make soak``):
for at least ``SOAK_SECONDS`` a mixed load goes to validators 0-2 while validator 3 (4 OCC
workers: the app process and 3 worker processes) is hit in turn by ``kill -9`` of its
CometBFT alone, of its app alone, of both, and of an OCC worker seen executing; after each
process kill it is restarted. At the end: 0 txs lost, every accepted tx committed, the
victim caught up, and every node computed the same app hash at every height."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from testnet.load import run_load
from testnet.manifest import NodeInfo
from testnet.process import alive, read_pid, start_node
from tests.integration.test_hard_kills import _executing, _whole_pool
from tests.integration.test_localnet import _agree
from tests.support.localnet import LocalnetRunner
from tests.support.proctree import descendants, wait_gone

pytestmark = pytest.mark.soak
SOAK_SECONDS = int(os.environ.get("PYSEI_SOAK_MATRIX_SECONDS", "600"))
RATE = float(os.environ.get("PYSEI_SOAK_RATE", "80"))
#: Seconds between two faults (the victim restarts and catches up meanwhile).
PAUSE_S = 25
CASES = ("cometbft", "app", "both", "worker")


def _cometbft_pid(node: NodeInfo) -> int:
    return int((node.home / "cometbft.pid").read_text())


def _hit(node: NodeInfo, case: str) -> set[int]:
    """One fault; the killed node's CometBFT (to be gone once the node restarted), or an
    empty set when no restart is due.

    Its Python helpers must be gone within seconds. CometBFT v0.38 can hang in its graceful
    stop (SIGTERM from its parent-death signal) once its app is dead; the next ``pysei
    start`` kills a previous CometBFT still running after 20 s, so it is checked after the
    restart."""
    app = read_pid(node)
    assert app is not None and alive(app)
    found = descendants(app)
    comet = {p for p, cmd in found.items() if "cometbft" in cmd}
    helpers = set(found) - comet
    if case == "worker":
        workers = _whole_pool(app, node.workers - 1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            busy = next((p for p in workers if _executing(p)), None)
            if busy is not None:
                os.kill(busy, signal.SIGKILL)
                assert wait_gone({busy}, 5) == set()
                return set()
            time.sleep(0.001)
        raise AssertionError("no OCC worker of the victim was seen executing")
    if case in ("cometbft", "both"):
        os.kill(_cometbft_pid(node), signal.SIGKILL)
    if case in ("app", "both"):
        os.kill(app, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while alive(app) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(app)  # after CometBFT's death the app stops by itself
    assert wait_gone(helpers, 20) == set()
    return comet


def test_kill_matrix_on_one_validator_of_a_loaded_localnet(tmp_path: Path):
    runner = LocalnetRunner(tmp_path / "net", snapshot_interval=50,
                            slashing_params={"signed_blocks_window": 100_000, "min_signed_per_window": 0})
    runner.init()
    runner.start()
    victim = runner.nodes[3]
    faults: list[str] = []
    try:
        out: dict = {}
        txs = int(SOAK_SECONDS * RATE)
        load = threading.Thread(target=lambda: out.setdefault("r", run_load(
            runner.root, txs, RATE, mix="native=0.4,evm=0.4,erc20=0.2", nodes=3, commit_timeout=300)))
        began = time.perf_counter()
        load.start()
        k = 0
        while time.perf_counter() - began < SOAK_SECONDS - PAUSE_S:
            time.sleep(PAUSE_S)
            case = CASES[k % len(CASES)]
            comet = _hit(victim, case)
            if comet:
                start_node(victim)
                runner.wait_height(max(runner.heights(runner.nodes[:3])), [victim], timeout=180)
                assert wait_gone(comet, 5) == set()
            faults.append(case)
            k += 1
        load.join(timeout=txs / RATE + 600)
        report = out["r"]
        print(f"\nkill matrix soak ({time.perf_counter() - began:.0f} s, faults {len(faults)}: "
              f"{ {c: faults.count(c) for c in CASES} }):\n" + "\n".join(report.lines()))
        assert set(faults) == set(CASES)
        assert report.lost == 0 and report.committed == report.accepted, report.lines()
        top = max(runner.heights(runner.nodes[:3]))
        runner.wait_height(top, [victim], timeout=300)
        _agree(runner)
    finally:
        runner.stop()
