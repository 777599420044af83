"""``python -m testnet.status DIR``: one table of height, app hash, peers and last block
interval of every node, read through each node's CometBFT RPC."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from testnet import rpc
from testnet.manifest import Localnet, NodeInfo


@dataclass(frozen=True)
class NodeStatus:
    name: str
    height: int
    app_hash: str
    peers: int
    interval_ms: int | None
    up: bool


def node_status(node: NodeInfo) -> NodeStatus:
    try:
        st = rpc.call(node.rpc_url, "status", timeout=3)
        peers = int(rpc.call(node.rpc_url, "net_info", timeout=3)["n_peers"])
    except (OSError, rpc.RpcError):
        return NodeStatus(node.name, 0, "", 0, None, False)
    info = st["sync_info"]
    h = int(info["latest_block_height"])
    interval = None
    if h > 2:  # block 1 carries the genesis time
        hdr = rpc.headers(node.rpc_url, h - 1, h)
        interval = int((rpc.block_time(hdr[h]["time"]) - rpc.block_time(hdr[h - 1]["time"])) * 1000)
    return NodeStatus(node.name, h, info["latest_app_hash"], peers, interval, True)


def table(statuses: list[NodeStatus]) -> str:
    rows = [("node", "height", "app hash", "peers", "last interval")]
    for s in statuses:
        if not s.up:
            rows.append((s.name, "-", "down", "-", "-"))
            continue
        gap = f"{s.interval_ms} ms" if s.interval_ms is not None else "-"
        rows.append((s.name, str(s.height), s.app_hash[:16], str(s.peers), gap))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def print_status(net: Localnet) -> list[NodeStatus]:
    statuses = [node_status(n) for n in net.nodes]
    print(table(statuses))
    return statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="testnet.status", description=__doc__)
    parser.add_argument("dir")
    args = parser.parse_args(argv)
    statuses = print_status(Localnet.load(Path(args.dir)))
    return 0 if all(s.up for s in statuses) else 1


if __name__ == "__main__":
    raise SystemExit(main())
