"""``pysei explorer``: the explorer as its own process, against any pysei node."""

from __future__ import annotations

import argparse
import signal
import threading
from typing import Any

from explorer.api import ExplorerConfig
from explorer.server import ExplorerServer


def _run(args: argparse.Namespace) -> int:
    config = ExplorerConfig(address=args.address, cometbft_rpc=args.node, evm_rpc=args.evm_rpc, rest=args.rest)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with ExplorerServer(config) as server:
        print(f"explorer serving http://{args.address.rpartition(':')[0]}:{server.port} for {args.node}", flush=True)
        stop.wait()
    return 0


def add_explorer_commands(sub: Any) -> None:
    p = sub.add_parser("explorer", help="serve the block explorer of a node")
    p.add_argument("--node", default="http://127.0.0.1:26657", help="the node's CometBFT RPC")
    p.add_argument("--evm-rpc", default="http://127.0.0.1:8545", help="the node's Ethereum JSON-RPC")
    p.add_argument("--rest", default="http://127.0.0.1:1317", help="the node's Cosmos REST API")
    p.add_argument("--address", default="127.0.0.1:8080", help="where the explorer listens (host:port)")
    p.set_defaults(func=_run)
