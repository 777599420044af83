"""The ``pysei`` command line: init, start, app, keys, tx, query, testnet, export."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path


def _setup_logging(level: str = "info") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _cmd_init(args: argparse.Namespace) -> int:
    from abci_app.cli.home_init import init_home

    home = init_home(Path(args.home), args.chain_id, occ_workers=args.occ_workers)
    print(f"initialised {home.root} for chain {args.chain_id}")
    return 0


def _cmd_start(args: argparse.Namespace) -> int:
    from abci_app.node.supervisor import run_start

    return run_start(Path(args.home))


def _cmd_app(args: argparse.Namespace) -> int:
    from abci_app.node.supervisor import run_app

    return run_app(Path(args.home))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pysei", description="pysei: a parallelized EVM chain on CometBFT")
    parser.add_argument("--log-level", default="info")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create a single-validator home")
    p.add_argument("--home", required=True)
    p.add_argument("--chain-id", default="pysei-local-1")
    p.add_argument("--occ-workers", type=int, default=0, help="OCC worker processes (0 = cores; serial below 4 cores)")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("start", help="run the app and cometbft together")
    p.add_argument("--home", required=True)
    p.set_defaults(func=_cmd_start)

    p = sub.add_parser("app", help="run the app alone (ABCI over gRPC) for an operator-run cometbft")
    p.add_argument("--home", required=True)
    p.set_defaults(func=_cmd_app)

    for mod, fn in (
        ("abci_app.cli.commands", "add_keys_commands"),
        ("abci_app.cli.commands", "add_tx_commands"),
        ("abci_app.cli.commands", "add_query_commands"),
        ("abci_app.cli.commands", "add_export_commands"),
        ("abci_app.cli.commands.wasm", "add_wasm_commands"),
        ("abci_app.cli.commands.staking", "add_staking_commands"),
        ("abci_app.cli.commands.offline", "add_offline_commands"),
        ("abci_app.cli.commands.evm", "add_evm_commands"),
        ("testnet.cli", "add_testnet_commands"),
        ("explorer.cli", "add_explorer_commands"),
    ):
        try:
            module = __import__(mod, fromlist=[fn])
        except ImportError:
            continue
        adder = getattr(module, fn, None)
        if adder is not None:
            adder(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.log_level)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
