"""``pysei scaffold module NAME --out DIR``: a new module package (``abci_app.cli.scaffold``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from abci_app.cli.commands.common import CommandError, guarded
from abci_app.cli.scaffold import scaffold_module


def _scaffold_module(args: argparse.Namespace) -> int:
    try:
        out = scaffold_module(args.name, Path(args.out))
    except (ValueError, FileExistsError) as e:
        raise CommandError(str(e)) from None
    print(f"wrote module {args.name} to {out}; next: pip install -e {out} && pytest {out}", file=sys.stderr)
    return 0


def add_scaffold_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scaffold", help="generate code")
    kinds = p.add_subparsers(dest="kind", required=True)
    m = kinds.add_parser("module", help="a new module package with a passing test")
    m.add_argument("name")
    m.add_argument("--out", required=True, help="folder to create")
    m.set_defaults(func=guarded(_scaffold_module))
