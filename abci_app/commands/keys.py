"""``pysei keys add|show|list``: the local keyring (``<home>/keys``)."""

from __future__ import annotations

import argparse
from typing import Any

from .common import add_home, emit, guarded, keyring


def _add(args: argparse.Namespace) -> int:
    ring = keyring(args)
    key = ring.import_hex(args.name, args.import_hex) if args.import_hex else ring.create(args.name)
    emit(key.public_info())
    return 0


def _show(args: argparse.Namespace) -> int:
    emit(keyring(args).get(args.name).public_info())
    return 0


def _list(args: argparse.Namespace) -> int:
    emit([k.public_info() for k in keyring(args).keys()])
    return 0


def add_keys_commands(subparsers: Any) -> None:
    keys = subparsers.add_parser("keys", help="manage local secp256k1 keys (sei1… and 0x addresses)")
    sub = keys.add_subparsers(dest="keys_command", required=True)
    p = sub.add_parser("add", help="create a key (or import one with --import-hex)")
    p.add_argument("name")
    p.add_argument("--import-hex", metavar="PRIVKEY", help="import this 32-byte private key (hex)")
    add_home(p)
    p.set_defaults(func=guarded(_add))
    p = sub.add_parser("show", help="show a key's sei1… and 0x addresses and public key")
    p.add_argument("name")
    add_home(p)
    p.set_defaults(func=guarded(_show))
    p = sub.add_parser("list", help="list the keys")
    add_home(p)
    p.set_defaults(func=guarded(_list))
