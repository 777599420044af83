"""What the key, tx and query commands share: options, output, account lookup."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from abci_app.cli.comet_client import DEFAULT_NODE, CometClient, RpcError
from abci_app.cli.keyring import Keyring, KeyringError
from ledger import codes
from ledger.addresses import AddressError, from_bech32
from pysei_pb.cosmos.auth.v1beta1 import auth_pb2
from pysei_pb.cosmos.auth.v1beta1 import query_pb2 as auth_query

QUERY_ACCOUNT = "/cosmos.auth.v1beta1.Query/Account"


class CommandError(Exception):
    """A user-facing failure: printed to stderr, exit code 1."""


def default_home() -> str:
    return os.environ.get("PYSEI_HOME") or str(Path.home() / ".pysei")


def add_home(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--home", default=default_home(), help="node home holding keys/ (default $PYSEI_HOME or ~/.pysei)"
    )


def add_node(p: argparse.ArgumentParser) -> None:
    p.add_argument("--node", default=DEFAULT_NODE, help=f"CometBFT RPC address (default {DEFAULT_NODE})")


def keyring(args: argparse.Namespace) -> Keyring:
    return Keyring(Path(args.home) / "keys")


def emit(obj: Any) -> None:
    print(json.dumps(obj, indent=2, sort_keys=True))


def guarded(func: Any) -> Any:
    """Run a command; user-facing errors go to stderr with exit code 1."""

    def run(args: argparse.Namespace) -> int:
        try:
            return int(func(args) or 0)
        except (CommandError, KeyringError, RpcError, AddressError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1

    return run


def resolve_address(text: str, args: argparse.Namespace) -> str:
    """A ``sei1…`` address, or the address of a key of that name in the keyring."""
    try:
        from_bech32(text)
        return text
    except AddressError:
        if "home" in args and (Path(args.home) / "keys" / f"{text}.json").exists():
            return keyring(args).get(text).bech32
        raise


def fetch_account(client: CometClient, address: str, height: int = 0) -> tuple[auth_pb2.BaseAccount, int]:
    """The account as the chain has it (and the height answered); ``CommandError`` if none."""
    req = auth_query.QueryAccountRequest(address=address).SerializeToString()
    res = client.abci_query(QUERY_ACCOUNT, req, height)
    if res.code == codes.NOT_FOUND:
        raise CommandError(f"account {address} not found on chain (send it some usei first)")
    if not res.ok:
        raise CommandError(f"account query failed (code {res.code}): {res.log}")
    packed = auth_query.QueryAccountResponse.FromString(res.value).account
    return auth_pb2.BaseAccount.FromString(packed.value), res.height


def subcommands(parent: argparse.ArgumentParser) -> Any:
    """The sub-command table of an existing command (to add e.g. ``tx staking``)."""
    for action in parent._actions:  # argparse keeps the sub-command table here
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise CommandError("parent command has no sub-commands")


def add_tx_options(p: argparse.ArgumentParser, default_gas: int, fee_example: str) -> None:
    """The options every signed-tx command takes."""
    p.add_argument("--from", dest="from_key", required=True, help="name of a key in <home>/keys")
    p.add_argument("--fees", default="", help=f"fee coins, e.g. {fee_example}")
    p.add_argument("--gas", type=int, default=default_gas, help=f"gas limit (default {default_gas})")
    p.add_argument("--memo", default="")
    p.add_argument("--chain-id", default=None, help="default: the node's network")
    p.add_argument("--broadcast-mode", choices=("sync", "commit"), default="commit")
    add_node(p)
    add_home(p)
