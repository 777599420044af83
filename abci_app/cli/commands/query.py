"""``pysei query balance|balances|account|tx``: read chain state through CometBFT's abci_query."""

from __future__ import annotations

import argparse
from typing import Any

from abci_app.cli.comet_client import CometClient
from abci_app.cli.commands.common import (
    CommandError,
    add_home,
    add_node,
    emit,
    fetch_account,
    guarded,
    resolve_address,
)
from pysei_pb.cosmos.bank.v1beta1 import query_pb2 as bank_query
from pysei_pb.cosmos.crypto.secp256k1 import keys_pb2

BANK = "/cosmos.bank.v1beta1.Query/"


def _query(client: CometClient, path: str, request: Any, height: int) -> tuple[bytes, int]:
    res = client.abci_query(path, request.SerializeToString(), height)
    if not res.ok:
        raise CommandError(f"query {path} failed (code {res.code}): {res.log}")
    return res.value, res.height


def _balance(args: argparse.Namespace) -> int:
    address = resolve_address(args.address, args)
    req = bank_query.QueryBalanceRequest(address=address, denom=args.denom)
    value, height = _query(CometClient(args.node), BANK + "Balance", req, args.height)
    coin = bank_query.QueryBalanceResponse.FromString(value).balance
    emit({"address": address, "denom": coin.denom, "amount": coin.amount, "height": str(height)})
    return 0


def _balances(args: argparse.Namespace) -> int:
    address = resolve_address(args.address, args)
    req = bank_query.QueryAllBalancesRequest(address=address)
    value, height = _query(CometClient(args.node), BANK + "AllBalances", req, args.height)
    coins = bank_query.QueryAllBalancesResponse.FromString(value).balances
    emit(
        {
            "address": address,
            "balances": [{"denom": c.denom, "amount": c.amount} for c in coins],
            "height": str(height),
        }
    )
    return 0


def _account(args: argparse.Namespace) -> int:
    address = resolve_address(args.address, args)
    account, height = fetch_account(CometClient(args.node), address, args.height)
    pub = keys_pb2.PubKey.FromString(account.pub_key.value).key.hex() if account.HasField("pub_key") else ""
    emit(
        {
            "address": account.address,
            "account_number": str(account.account_number),
            "sequence": str(account.sequence),
            "pub_key": pub,
            "height": str(height),
        }
    )
    return 0


def _tx(args: argparse.Namespace) -> int:
    emit(CometClient(args.node).tx(args.hash))
    return 0


def add_query_commands(subparsers: Any) -> None:
    query = subparsers.add_parser("query", aliases=["q"], help="query chain state through a node")
    sub = query.add_subparsers(dest="query_command", required=True)
    for name, func, text in (
        ("balance", _balance, "one denom's balance of an address (always answers, 0 when empty)"),
        ("balances", _balances, "all balances of an address"),
        ("account", _account, "account number, sequence and public key"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("address", metavar="ADDR", help="sei1… address (or a local key name)")
        if name == "balance":
            p.add_argument("--denom", default="usei")
        p.add_argument("--height", type=int, default=0, help="state at this height (default latest)")
        add_node(p)
        add_home(p)
        p.set_defaults(func=guarded(func))
    p = sub.add_parser("tx", help="a committed tx by hash (hex)")
    p.add_argument("hash")
    add_node(p)
    p.set_defaults(func=guarded(_tx))
