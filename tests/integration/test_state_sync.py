"""A second real node joins a running chain by state sync (SeiDB snapshot chunks through
CometBFT's p2p), then follows it with identical app hashes."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from eth_account import Account

from abci_app.cli.keyring import Keyring
from abci_app.config import AppConfig
from abci_app.node import cometbft_home
from testnet.consistency import store_hashes
from tests.support.jsonrpc import rpc
from tests.support.node import LocalNode

pytestmark = pytest.mark.integration
SNAPSHOT_INTERVAL = 10


def _node_id(node: LocalNode) -> str:
    out = subprocess.run(
        [cometbft_home.cometbft_binary(), "show-node-id", "--home", str(node.home / "cometbft")],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def wait_indexed(node: LocalNode, height: int, timeout: float = 60) -> None:
    """Until the node's JSON-RPC serves ``height`` (its index follows CometBFT's blocks)."""
    deadline = time.monotonic() + timeout
    while int(rpc(node.evm_url, "eth_blockNumber", [])["result"], 16) < height:
        assert time.monotonic() < deadline, f"JSON-RPC never reached height {height}"
        time.sleep(0.2)


def funded(node: LocalNode) -> list[str]:
    """EVM addresses of the accounts ``pysei init`` funds (its keyring)."""
    ring = Keyring(node.home / "keys")
    return [Account.from_key(ring.get(name).privkey).address for name in ("validator", "alice", "bob")]


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
        # The joiner never executed the early blocks: CometBFT's store and the app's state
        # both start at the snapshot.
        assert int(joiner.rpc("status")["sync_info"]["earliest_block_height"]) > 1
        # heights after the snapshot the joiner restored (the source kept producing blocks
        # while the joiner looked for snapshots, so it may be a later one than target)
        restored = int(joiner.rpc("status")["sync_info"]["earliest_block_height"])
        joiner.wait_height(max(target, restored) + 3)
        wait_indexed(joiner, max(target, restored) + 3)
        heights = range(max(target, restored), max(target, restored) + 3)
        accounts = funded(source)
        early = rpc(joiner.evm_url, "eth_getBalance", [accounts[0], "0x1"])
        assert early["error"]["code"] == -32000 and "historical state not available" in early["error"]["message"]
        for h in heights:
            # the joiner's own state at h: its balances, and the app hash its stores give
            for who in accounts:
                ours = rpc(joiner.evm_url, "eth_getBalance", [who, hex(h)])
                theirs = rpc(source.evm_url, "eth_getBalance", [who, hex(h)])
                assert "result" in ours and ours["result"] == theirs["result"], (who, h, ours, theirs)
            # every store's commitment root and state-store contents, as each app reads them
            ours, theirs = store_hashes(joiner.rpc_url, h), store_hashes(source.rpc_url, h)
            assert ours and ours == theirs, h
    finally:
        joiner.stop()
        source.stop()
