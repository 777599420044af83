"""The ``pysei`` command line: init, start, app, keys, tx, query, testnet, export."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from abci_app.cli.commands import add_export_commands, add_keys_commands, add_query_commands, add_tx_commands
from abci_app.cli.commands.evm import add_evm_commands
from abci_app.cli.commands.offline import add_offline_commands
from abci_app.cli.commands.staking import add_staking_commands
from abci_app.cli.commands.wasm import add_wasm_commands
from abci_app.cli.deferred import deferred
from explorer.cli import add_explorer_commands
from testnet.cli import add_testnet_commands

#: The command groups beside init/start/app, in ``pysei --help`` order.
COMMAND_GROUPS = (
    add_keys_commands, add_tx_commands, add_query_commands, add_export_commands, add_wasm_commands,
    add_staking_commands, add_offline_commands, add_evm_commands, add_testnet_commands, add_explorer_commands,
)


def _setup_logging(level: str = "info") -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _home(args: argparse.Namespace) -> tuple[Any, ...]:
    return (Path(args.home),)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pysei", description="pysei: a parallelized EVM chain on CometBFT")
    parser.add_argument("--log-level", default="info")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create a single-validator home")
    p.add_argument("--home", required=True)
    p.add_argument("--chain-id", default="pysei-local-1")
    p.add_argument("--occ-workers", type=int, default=0, help="OCC worker processes (0 = cores; serial below 4 cores)")
    p.set_defaults(func=deferred("abci_app.cli.home_init:init_command"))

    p = sub.add_parser("start", help="run the app and cometbft together")
    p.add_argument("--home", required=True)
    p.set_defaults(func=deferred("abci_app.node.supervisor:run_start", _home))

    p = sub.add_parser("app", help="run the app alone (ABCI over gRPC) for an operator-run cometbft")
    p.add_argument("--home", required=True)
    p.set_defaults(func=deferred("abci_app.node.supervisor:run_app", _home))

    for add_commands in COMMAND_GROUPS:
        add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args.log_level)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
