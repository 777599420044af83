"""``pysei testnet init|start|stop|status|load|check``: the localnet commands (each imported
when it runs: ``abci_app.cli.deferred``)."""

from __future__ import annotations

import argparse

from abci_app.cli.deferred import deferred
from testnet.ports import DEFAULT_BASE_PORT


def _workers(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def _dir(args: argparse.Namespace) -> tuple[list[str]]:
    return ([args.dir],)


def _dir_and_rest(args: argparse.Namespace) -> tuple[list[str]]:
    return ([args.dir, *args.rest],)


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
    p.set_defaults(func=deferred("testnet.init:init_command"))
    for name, fn, text in (
        ("start", deferred("testnet.start:main", _dir), "start every node in the background"),
        ("stop", deferred("testnet.stop:main", _dir), "stop every node"),
        ("status", deferred("testnet.status:main", _dir), "height, app hash, peers and block interval of every node"),
        ("check", deferred("testnet.consistency:main", _dir), "compare every node's app hash at every height"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("dir")
        p.set_defaults(func=fn)
    p = sub.add_parser("load", help="submit a pre-signed mixed load and report (see python -m testnet.load -h)")
    p.add_argument("dir")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=deferred("testnet.load:main", _dir_and_rest))
