"""CLI subcommands for keys, txs and queries; ``abci_app.cli.main`` registers them.

Each ``add_*_commands(subparsers)`` adds one top-level command whose leaves call
``set_defaults(func=...)``; a leaf prints JSON on stdout and returns the exit code.
"""

from __future__ import annotations

import argparse

from abci_app.cli.commands.export import add_export_commands as _add_export
from abci_app.cli.commands.keys import add_keys_commands
from abci_app.cli.commands.query import add_query_commands
from abci_app.cli.commands.scaffold import add_scaffold_commands
from abci_app.cli.commands.tx import add_tx_commands

__all__ = ["add_export_commands", "add_keys_commands", "add_query_commands", "add_tx_commands"]


def add_export_commands(sub: argparse._SubParsersAction) -> None:
    """``export`` (state as genesis) and ``scaffold`` (new module): the chain developer's tools."""
    _add_export(sub)
    add_scaffold_commands(sub)
