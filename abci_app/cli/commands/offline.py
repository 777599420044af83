"""``pysei tx sign | multisign | broadcast``: offline signing of an unsigned tx file
(``pysei tx bank send … --generate-only``), by one key or by a multisig's members.

    pysei tx sign unsigned.json --from alice                  # -> {"tx": base64} to broadcast
    pysei tx sign unsigned.json --from k1 --multisig ms       # -> a member's signature file
    pysei tx multisign unsigned.json ms sig1.json sig2.json   # -> {"tx": base64}
    pysei tx broadcast signed.json --node URL                 # -> the result (code, hash, height)
"""

from __future__ import annotations

import argparse
import base64
from pathlib import Path
from typing import Any

from abci_app.cli.comet_client import CometClient
from abci_app.cli.commands.common import CommandError, add_home, add_node, emit, guarded, keyring, subcommands
from abci_app.cli.commands.tx import _broadcast
from abci_app.cosmos_tx import offline
from abci_app.module_api import MsgHandler
from abci_app.modules.loader import available, load_modules
from untrusted import json_text


def _handlers() -> dict[str, MsgHandler]:
    """Every installed module's messages (their amino forms give the sign doc)."""
    out: dict[str, MsgHandler] = {}
    for module in load_modules(sorted(available())):
        out.update(module.messages)
    return out


def _json_file(path: str) -> Any:
    try:
        return json_text.loads(Path(path).read_bytes())
    except (OSError, ValueError) as e:
        raise CommandError(f"cannot read {path}: {e}") from None


def _unsigned(path: str) -> offline.UnsignedTx:
    try:
        return offline.UnsignedTx.from_json(_json_file(path))
    except offline.OfflineError as e:
        raise CommandError(str(e)) from None


def _sign(args: argparse.Namespace) -> int:
    tx, ring = _unsigned(args.file), keyring(args)
    key = ring.get(args.from_key)
    try:
        if args.multisig:
            ms = ring.get_multisig(args.multisig)
            if ms.bech32 != tx.signer:
                raise CommandError(f"the tx is signed by {tx.signer}, not by multisig {args.multisig} ({ms.bech32})")
            if key.pubkey not in ms.pubkeys:
                raise CommandError(f"key {args.from_key} is not a member of multisig {args.multisig}")
            emit(offline.partial_signature(key.privkey, tx, _handlers()))
            return 0
        if key.bech32 != tx.signer:
            raise CommandError(f"the tx is signed by {tx.signer}, not by {args.from_key} ({key.bech32})")
        emit({"tx": base64.b64encode(offline.signed_tx(key.privkey, tx, _handlers())).decode()})
    except offline.OfflineError as e:
        raise CommandError(str(e)) from None
    return 0


def _multisign(args: argparse.Namespace) -> int:
    tx = _unsigned(args.file)
    ms = keyring(args).get_multisig(args.multisig)
    if ms.bech32 != tx.signer:
        raise CommandError(f"the tx is signed by {tx.signer}, not by multisig {args.multisig} ({ms.bech32})")
    try:
        partials = [offline.read_partial(_json_file(p)) for p in args.signatures]
        raw = offline.multisigned_tx(tx, ms, partials, _handlers())
    except offline.OfflineError as e:
        raise CommandError(str(e)) from None
    emit({"tx": base64.b64encode(raw).decode()})
    return 0


def _broadcast_file(args: argparse.Namespace) -> int:
    data = _json_file(args.file)
    try:
        raw = base64.b64decode(data["tx"], validate=True)
    except (KeyError, TypeError, ValueError) as e:
        raise CommandError(f"not a signed tx file ({{\"tx\": base64}}): {e}") from None
    result = _broadcast(CometClient(args.node), raw, args.broadcast_mode)
    emit(result)
    return 0 if result["code"] == 0 else 1


def add_offline_commands(subparsers: Any) -> None:
    txs = subcommands(subparsers.choices["tx"])
    p = txs.add_parser("sign", help="sign an unsigned tx file (amino JSON) with a local key")
    p.add_argument("file", metavar="UNSIGNED_FILE")
    p.add_argument("--from", dest="from_key", required=True, help="name of a key in <home>/keys")
    p.add_argument("--multisig", default=None, help="sign as a member of this multisig key: print a signature file")
    add_home(p)
    p.set_defaults(func=guarded(_sign))
    p = txs.add_parser("multisign", help="combine members' signature files into a multisig tx")
    p.add_argument("file", metavar="UNSIGNED_FILE")
    p.add_argument("multisig", metavar="MULTISIG_KEY")
    p.add_argument("signatures", metavar="SIGNATURE_FILE", nargs="+")
    add_home(p)
    p.set_defaults(func=guarded(_multisign))
    p = txs.add_parser("broadcast", help="broadcast a signed tx file")
    p.add_argument("file", metavar="SIGNED_FILE")
    p.add_argument("--broadcast-mode", choices=("sync", "commit"), default="commit")
    add_node(p)
    p.set_defaults(func=guarded(_broadcast_file))
