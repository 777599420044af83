"""``pysei export``: the chain state at a height as genesis JSON (``abci_app.cli.state_export``)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from abci_app.cli.commands.common import CommandError, guarded


def _export(args: argparse.Namespace) -> int:
    from abci_app.cli.state_export import ExportError, export_genesis

    try:
        result = export_genesis(Path(args.home), args.height, chain_id=args.chain_id)
    except (ExportError, ValueError) as e:
        raise CommandError(str(e)) from None
    text = json.dumps(result.genesis, indent=2, sort_keys=True) + "\n"
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    note = f"exported height {result.height}" + (f" to {args.out}" if args.out else "")
    if result.skipped:
        note += f"; modules without export (state left out): {', '.join(result.skipped)}"
    print(note, file=sys.stderr)
    return 0


def add_export_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="export the chain state at a height as a genesis.json")
    p.add_argument("--home", required=True)
    p.add_argument("--height", type=int, default=None, help="height to export (default: latest; node stopped)")
    p.add_argument("--out", default=None, help="file to write (default: stdout)")
    p.add_argument("--chain-id", default=None, help="chain id of the new chain (default: unchanged)")
    p.set_defaults(func=guarded(_export))
