"""CLI subcommands for keys, txs and queries; ``abci_app.cli`` registers them.

Each ``add_*_commands(subparsers)`` adds one top-level command whose leaves call
``set_defaults(func=...)``; a leaf prints JSON on stdout and returns the exit code.
"""

from __future__ import annotations

from .keys import add_keys_commands
from .query import add_query_commands
from .tx import add_tx_commands

__all__ = ["add_keys_commands", "add_query_commands", "add_tx_commands"]
