"""The JSON-RPC index survives a node restart: old blocks are still served, new blocks
link to them, and nothing is re-indexed differently."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest

from tests.support.node import LocalNode

pytestmark = pytest.mark.e2e


def call(url: str, method: str, *params: Any) -> Any:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}).encode()
    with urllib.request.urlopen(urllib.request.Request(url, body, {"Content-Type": "application/json"}), timeout=30) as r:
        return json.loads(r.read())["result"]


def wait_rpc_height(url: str, height: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if int(call(url, "eth_blockNumber"), 16) >= height:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"JSON-RPC did not reach height {height}")


def test_index_survives_restart(tmp_path) -> None:
    node = LocalNode(tmp_path / "home", chain_id="pysei-restart-1")
    node.init()
    node.start(wait_height=4)
    try:
        wait_rpc_height(node.evm_url, 4)
        before = [call(node.evm_url, "eth_getBlockByNumber", hex(h), False) for h in range(1, 5)]
        node.stop()
        node.start(wait_height=int(before[-1]["number"], 16) + 3)
        last = int(call(node.evm_url, "eth_blockNumber"), 16)
        assert [call(node.evm_url, "eth_getBlockByNumber", hex(h), False) for h in range(1, 5)] == before
        blocks = [call(node.evm_url, "eth_getBlockByNumber", hex(h), False) for h in range(1, last + 1)]
        assert all(b is not None for b in blocks)
        assert all(b["parentHash"] == a["hash"] for a, b in zip(blocks, blocks[1:], strict=False))
    finally:
        node.stop()
