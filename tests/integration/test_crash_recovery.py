"""kill -9 of a real node (cometbft + pysei) at random moments under load, snapshots every 5
heights: every restart resumes through CometBFT's handshake with the same app hashes and no
committed height lost."""

from __future__ import annotations

import base64
import random
import shutil
import signal
import subprocess
import threading
import time

import pytest

from abci_app.cli.keyring import Keyring
from abci_app.config import AppConfig
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.node import cometbft_home
from ledger.addresses import to_bech32
from testnet.consistency import store_hashes
from tests.integration.test_node import FEE, GAS, account, send_msg
from tests.support.node import LocalNode


def _node_id(node: LocalNode) -> str:
    out = subprocess.run([cometbft_home.cometbft_binary(), "show-node-id", "--home", str(node.home / "cometbft")],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()

pytestmark = pytest.mark.integration
KILLS = 6
MIN_HEIGHTS = 50


def _load(node: LocalNode, stop: threading.Event) -> None:
    """Keep sending small native transfers; failures (node down) are expected and ignored."""
    ring = Keyring(node.home / "keys")
    alice, bob = ring.get("alice"), ring.get("bob")
    sender, recipient = to_bech32(alice.sei_address), to_bech32(bob.sei_address)
    while not stop.is_set():
        try:
            number, seq = account(node, sender)
            for k in range(5):
                raw = build_and_sign(alice.privkey, [send_msg(sender, recipient, 1)], node.chain_id, number,
                                     seq + k, FEE, GAS)
                node.rpc("broadcast_tx_sync", tx=base64.b64encode(raw).decode())
        except Exception:
            stop.wait(0.3)
        stop.wait(0.2)


def _app_hashes(node: LocalNode, upto: int, known: dict[int, str]) -> None:
    for h in range(1, upto + 1):
        got = node.rpc("block", height=str(h))["block"]["header"]["app_hash"]
        if h in known:
            assert known[h] == got, f"app hash of block {h} changed after a restart"
        known[h] = got


def test_kill_9_at_random_moments(tmp_path):
    figures = kill_campaign(tmp_path, KILLS, MIN_HEIGHTS, seed=2026)
    assert_same_state_as_a_node_that_never_crashed(tmp_path, figures["ports"])


def assert_same_state_as_a_node_that_never_crashed(tmp_path, ports: dict[str, int]) -> None:
    """A fresh node with the same genesis block-syncs the crashed node's chain, executing
    every block itself: at the same height both apps hold the same state, store by store
    (commitment root and state-store contents), not only the same stored headers."""
    crashed = LocalNode(tmp_path / "home")
    crashed.ports = ports
    crashed.start()
    reference = LocalNode(tmp_path / "reference", chain_id=crashed.chain_id)
    try:
        reference.init()
        shutil.copy(crashed.home / "cometbft/config/genesis.json", reference.home / "cometbft/config/genesis.json")
        peer = f"{_node_id(crashed)}@127.0.0.1:{crashed.ports['p2p']}"
        cometbft_home.patch_config(reference.home / "cometbft/config/config.toml", {"p2p": {"persistent_peers": peer}})
        head = crashed.height()
        reference.start(wait_height=head, timeout=180)
        h = head - 1
        ours, theirs = store_hashes(crashed.rpc_url, h), store_hashes(reference.rpc_url, h)
        assert ours and ours == theirs
    finally:
        reference.stop()
        crashed.stop()


def kill_campaign(tmp_path, kills: int, min_heights: int, seed: int, snapshot_interval: int = 5) -> dict:
    """Kill -9 a loaded node ``kills`` times at random moments; returns the run's figures."""

    node = LocalNode(tmp_path / "home")
    node.init()
    cfg = AppConfig.load(node.home)
    cfg.store.sc_snapshot_interval = snapshot_interval
    cfg.save(node.home)
    rng = random.Random(seed)
    restarts: list[float] = []
    known: dict[int, str] = {}
    stop = threading.Event()
    node.start()
    loader = threading.Thread(target=_load, args=(node, stop), daemon=True)
    loader.start()
    try:
        for _ in range(kills):
            node.wait_height(node.height() + rng.randint(3, 8))
            stop.wait(rng.random() * 0.4)  # land anywhere inside a block
            before = node.height()
            node.stop(sig=signal.SIGKILL)
            began = time.perf_counter()
            node.start(wait_height=before + 1)
            restarts.append(time.perf_counter() - began)
            node.wait_height(before + 2)
            _app_hashes(node, before, known)
        final = node.wait_height(max(min_heights, node.height() + 2))
        _app_hashes(node, final - 1, known)
    finally:
        stop.set()
        loader.join(timeout=10)
        node.stop()
    assert len(known) >= min_heights - 1
    log = node.log_path.read_text(errors="replace")
    assert log.count("app started") == kills + 1
    restarts.sort()
    return {"kills": kills, "heights": final, "restart_median_s": restarts[len(restarts) // 2],
            "restart_max_s": restarts[-1], "ports": node.ports}
