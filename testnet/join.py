"""A non-validator node joining a running localnet, by block sync from genesis or by state
sync (``statesync.enable`` with two RPC servers and a trusted height and hash)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from abci_app.cli.home_init import init_home
from abci_app.node import cometbft_home
from testnet import rpc
from testnet.init import _app_config, node_id, wire_node
from testnet.manifest import Localnet, NodeInfo
from testnet.ports import free_base_port, node_ports, port_free

STATE_SYNC_DISCOVERY = "5s"


def add_node(root: Path, *, base_port: int, workers: int = 1, state_sync: bool = True,
             snapshot_interval: int = 0) -> NodeInfo:
    """Create ``DIR/node<N>`` (N = current node count) sharing the localnet's genesis and
    peering with every node; record it in ``localnet.json``."""
    net = Localnet.load(root)
    index = len(net.nodes)
    ports = node_ports(index, base_port)
    if not all(port_free(p) for p in ports.as_dict().values()):
        ports = node_ports(0, free_base_port(1))
    cfg = _app_config(net.chain_id, ports, workers, snapshot_interval)
    home = init_home(net.root / f"node{index}", net.chain_id, key_names=("node",), config=cfg)
    shutil.copyfile(net.nodes[0].home / "cometbft" / "config" / "genesis.json", home.genesis)
    peers = ",".join(f"{n.node_id}@127.0.0.1:{n.ports.p2p}" for n in net.nodes)
    wire_node(home.root, ports, f"pysei-node{index}", peers, cfg.abci_address)
    if state_sync:
        trust_state_sync(home.root / "cometbft", [n.rpc_url for n in net.nodes[:2]])
    node = NodeInfo(f"node{index}", home.root, node_id(home.cometbft), workers, ports)
    replace(net, nodes=(*net.nodes, node)).save()
    return node


def trust_state_sync(cometbft: Path, rpc_urls: list[str]) -> int:
    """Turn state sync on, trusting the latest block header of the first server; returns that height."""
    h = rpc.height(rpc_urls[0])
    header = rpc.call(rpc_urls[0], "block", height=str(h))["block_id"]["hash"]
    cometbft_home.patch_config(
        cometbft / "config" / "config.toml",
        {"statesync": {"enable": True, "rpc_servers": ",".join(u.removeprefix("http://") for u in rpc_urls),
                       "trust_height": h, "trust_hash": header, "discovery_time": STATE_SYNC_DISCOVERY}},
    )
    return h
