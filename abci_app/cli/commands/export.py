"""``pysei export``: the chain state at a height as genesis JSON (``abci_app.cli.state_export``)."""

from __future__ import annotations

import argparse

from abci_app.cli.commands.common import guarded
from abci_app.cli.deferred import deferred


def add_export_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the chain state at a height as a genesis.json")
    p.add_argument("--home", required=True)
    p.add_argument("--height", type=int, default=None, help="height to export (default: latest; node stopped)")
    p.add_argument("--out", default=None, help="file to write (default: stdout)")
    p.add_argument("--chain-id", default=None, help="chain id of the new chain (default: unchanged)")
    p.set_defaults(func=guarded(deferred("abci_app.cli.state_export:export_command")))
