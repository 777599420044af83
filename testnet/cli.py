"""``pysei testnet init|start|stop|status|load|check``: the localnet commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from testnet.ports import DEFAULT_BASE_PORT


def _workers(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _cmd_init(args: argparse.Namespace) -> int:
    from testnet.init import init_localnet

    net = init_localnet(
        Path(args.out), args.validators, workers=args.workers, base_port=args.base_port,
        accounts=args.accounts, chain_id=args.chain_id, snapshot_interval=args.snapshot_interval,
    )
    for n in net.nodes:
        print(f"{n.name}: {n.home} workers={n.workers} rpc={n.rpc_url} id={n.node_id}")
    print(f"localnet of {len(net.nodes)} validators in {net.root}")
    return 0


def _cmd_start(args: argparse.Namespace) -> int:
    from testnet.start import main

    return main([args.dir])


def _cmd_stop(args: argparse.Namespace) -> int:
    from testnet.stop import main

    return main([args.dir])


def _cmd_status(args: argparse.Namespace) -> int:
    from testnet.status import main

    return main([args.dir])


def _cmd_check(args: argparse.Namespace) -> int:
    from testnet.consistency import main

    return main([args.dir])


def _cmd_load(args: argparse.Namespace) -> int:
    from testnet.load import main

    return main([args.dir, *args.rest])


def add_testnet_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("testnet", help="make and run an N-validator localnet")
    sub = parser.add_subparsers(dest="testnet_command", required=True)
    p = sub.add_parser("init", help="create N validator homes sharing one genesis")
    p.add_argument("--validators", type=int, default=4)
    p.add_argument("--out", required=True)
    p.add_argument("--workers", type=_workers, default=[1, 2, 3, 4], help="OCC workers per node, cycled")
    p.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT)
    p.add_argument("--accounts", type=int, default=2000, help="funded load-test keys")
    p.add_argument("--chain-id", default="pysei-localnet-1")
    p.add_argument("--snapshot-interval", type=int, default=0, help="SC snapshot every N heights (state sync)")
    p.set_defaults(func=_cmd_init)
    for name, fn, text in (
        ("start", _cmd_start, "start every node in the background"),
        ("stop", _cmd_stop, "stop every node"),
        ("status", _cmd_status, "height, app hash, peers and block interval of every node"),
        ("check", _cmd_check, "compare every node's app hash at every height"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("dir")
        p.set_defaults(func=fn)
    p = sub.add_parser("load", help="submit a pre-signed mixed load and report (see python -m testnet.load -h)")
    p.add_argument("dir")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_load)
