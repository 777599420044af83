"""``python -m testnet.start DIR``: start every node of a localnet in the background."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from testnet import rpc
from testnet.manifest import Localnet
from testnet.process import alive, read_pid, start_node
from testnet.status import print_status


def start(root: Path, wait_height: int = 1, timeout: float = 120) -> Localnet:
    """Start the nodes not running; wait until all reach ``wait_height`` (0: do not wait)."""
    net = Localnet.load(root)
    for node in net.nodes:
        start_node(node)
    deadline = time.time() + timeout
    while wait_height and time.time() < deadline:
        if all(rpc.height(n.rpc_url) >= wait_height for n in net.nodes):
            return net
        dead = [n.name for n in net.nodes if not alive(read_pid(n))]
        if dead:
            raise RuntimeError(f"nodes exited: {dead}; see their node.log")
        time.sleep(0.3)
    if wait_height:
        raise TimeoutError(f"localnet did not reach height {wait_height} in {timeout:.0f}s")
    return net


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="testnet.start", description=__doc__)
    parser.add_argument("dir")
    parser.add_argument("--wait-height", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    net = start(Path(args.dir), args.wait_height, args.timeout)

    print_status(net)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
