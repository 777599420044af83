"""A second real node joins a running chain by state sync (SeiDB snapshot chunks through
CometBFT's p2p), then follows it with identical app hashes."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from abci_app import cometbft_home
from abci_app.config import AppConfig
from tests.support.node import LocalNode

pytestmark = pytest.mark.integration
SNAPSHOT_INTERVAL = 10


def _node_id(node: LocalNode) -> str:
    out = subprocess.run(
        [cometbft_home.cometbft_binary(), "show-node-id", "--home", str(node.home / "cometbft")],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def test_new_node_joins_by_state_sync(tmp_path):
    source = LocalNode(tmp_path / "a")
    source.init()
    cfg = AppConfig.load(source.home)
    cfg.store.sc_snapshot_interval = SNAPSHOT_INTERVAL
    cfg.store.sc_snapshot_keep_recent = 10  # blocks are fast: keep the offered snapshot fetchable
    cfg.save(source.home)
    source.start(wait_height=2 * SNAPSHOT_INTERVAL + 5)
    joiner = LocalNode(tmp_path / "b")
    try:
        joiner.init()
        shutil.copy(source.home / "cometbft/config/genesis.json", joiner.home / "cometbft/config/genesis.json")
        trust_height = source.height() - 2
        trust_hash = source.rpc("block", height=str(trust_height))["block_id"]["hash"]
        cometbft_home.patch_config(
            joiner.home / "cometbft/config/config.toml",
            {
                "p2p": {"persistent_peers": f"{_node_id(source)}@127.0.0.1:{source.ports['p2p']}"},
                "statesync": {
                    "enable": True,
                    "rpc_servers": f"{source.rpc_url},{source.rpc_url}",
                    "trust_height": trust_height,
                    "trust_hash": trust_hash,
                    "discovery_time": "6s",
                },
            },
        )
        target = source.height() + 5
        joiner.start(wait_height=target, timeout=120)
        log = joiner.log_path.read_text(errors="replace")
        assert "snapshot offered" in log and "Snapshot restored" in log or "snapshot chunk" in log, log[-3000:]
        # The joiner never executed the early blocks: its store starts at the snapshot height.
        status = joiner.rpc("status")["sync_info"]
        assert int(status["earliest_block_height"]) > 1
        joiner.wait_height(target + 3)
        for h in range(target, target + 3):
            a = source.rpc("block", height=str(h))["block"]["header"]["app_hash"]
            b = joiner.rpc("block", height=str(h))["block"]["header"]["app_hash"]
            assert a == b, h
    finally:
        joiner.stop()
        source.stop()
