"""``pysei keys add|show|list``: the local keyring (``<home>/keys``), multisigs included."""

from __future__ import annotations

import argparse
from typing import Any

from abci_app.cli.commands.common import CommandError, add_home, emit, guarded, keyring
from abci_app.cli.keyring import Keyring


def _member(ring: Keyring, text: str) -> bytes:
    """A member of a multisig: a key name in the keyring or a 33-byte public key in hex."""
    try:
        raw = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        return ring.get(text).pubkey
    if len(raw) != 33:
        raise CommandError(f"multisig member {text!r}: a public key is 33 bytes (compressed)")
    return raw


def _add(args: argparse.Namespace) -> int:
    ring = keyring(args)
    if args.multisig:
        if args.import_hex:
            raise CommandError("--multisig and --import-hex exclude each other")
        members = [_member(ring, m.strip()) for m in args.multisig.split(",") if m.strip()]
        emit(ring.add_multisig(args.name, args.multisig_threshold, members).public_info())
        return 0
    key = ring.import_hex(args.name, args.import_hex) if args.import_hex else ring.create(args.name)
    emit(key.public_info())
    return 0


def _show(args: argparse.Namespace) -> int:
    ring = keyring(args)
    key = ring.get_multisig(args.name) if ring.is_multisig(args.name) else ring.get(args.name)
    emit(key.public_info())
    return 0


def _list(args: argparse.Namespace) -> int:
    ring = keyring(args)
    emit([k.public_info() for k in ring.keys()] + [m.public_info() for m in ring.multisigs()])
    return 0


def add_keys_commands(subparsers: Any) -> None:
    keys = subparsers.add_parser("keys", help="manage local secp256k1 keys (sei1… and 0x addresses)")
    sub = keys.add_subparsers(dest="keys_command", required=True)
    p = sub.add_parser("add", help="create a key (or import one with --import-hex)")
    p.add_argument("name")
    p.add_argument("--import-hex", metavar="PRIVKEY", help="import this 32-byte private key (hex)")
    p.add_argument("--multisig", metavar="KEYS", help="make a multisig of these keys (names or hex public keys, comma-separated, in order)")
    p.add_argument("--multisig-threshold", type=int, default=1, help="signatures a --multisig tx needs (default 1)")
    add_home(p)
    p.set_defaults(func=guarded(_add))
    p = sub.add_parser("show", help="show a key's sei1… and 0x addresses and public key")
    p.add_argument("name")
    add_home(p)
    p.set_defaults(func=guarded(_show))
    p = sub.add_parser("list", help="list the keys")
    add_home(p)
    p.set_defaults(func=guarded(_list))
