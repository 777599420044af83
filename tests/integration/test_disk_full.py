"""Resource faults on a real loaded node: its data directory's filesystem fills up (a small
tmpfs), or only the state store's (RocksDB's writes fail while the changelog's succeed).
The node stops by itself with ``STORAGE_FAILURE_EXIT`` (no process left behind), loses no
committed height, and once space is back it starts again and holds the same state as a
reference node that never failed (which block-syncs the chain and executes every block)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from abci_app.node import cometbft_home
from abci_app.node.supervisor import STORAGE_FAILURE_EXIT
from testnet.consistency import store_hashes
from tests.integration.test_hard_kills import _load, _node_id
from tests.support.node import LocalNode
from tests.support.proctree import descendants, wait_gone
from tests.support.smallfs import fill, free_bytes, small_filesystem

pytestmark = pytest.mark.integration
FS_MB = 64


def _reference_agrees(node: LocalNode, root: Path) -> None:
    reference = LocalNode(root / "reference", chain_id=node.chain_id)
    try:
        reference.init()
        shutil.copy(node.home / "cometbft/config/genesis.json", reference.home / "cometbft/config/genesis.json")
        peer = f"{_node_id(node)}@127.0.0.1:{node.ports['p2p']}"
        cometbft_home.patch_config(reference.home / "cometbft/config/config.toml", {"p2p": {"persistent_peers": peer}})
        head = node.height()
        reference.start(wait_height=head, timeout=180)
        ours, theirs = store_hashes(node.rpc_url, head - 1), store_hashes(reference.rpc_url, head - 1)
        assert ours and ours == theirs
    finally:
        reference.stop()


@pytest.mark.parametrize("full", ["data", "data/ss"], ids=["data-directory", "state-store-only"])
def test_a_full_disk_stops_the_node_cleanly_and_it_resumes_with_every_height_when_space_is_back(tmp_path, full):
    node = LocalNode(tmp_path / "home")
    node.init()
    (node.home / "data").mkdir(exist_ok=True)
    with small_filesystem(node.home / full, FS_MB) as disk:
        node.start()
        stop = threading.Event()
        loader = threading.Thread(target=_load, args=(node, stop), daemon=True)
        loader.start()
        try:
            before = node.wait_height(5)
            assert node.proc is not None
            helpers = set(descendants(node.proc.pid))
            filler = fill(disk)
            assert free_bytes(disk) == 0
            assert node.proc.wait(timeout=120) == STORAGE_FAILURE_EXIT
            node.proc = None
            assert wait_gone(helpers, 15) == set()
            filler.unlink()  # space is back
            node.start(wait_height=before, timeout=120)
            assert node.height() >= before  # every committed height survived
            node.wait_height(node.height() + 3)
        finally:
            stop.set()
            loader.join(timeout=10)
        try:
            _reference_agrees(node, tmp_path)
        finally:
            node.stop()
