"""``pysei tx bank send``: build, sign and broadcast a native MsgSend through CometBFT RPC.

The account number and sequence come from ``/cosmos.auth.v1beta1.Query/Account`` unless
given; the chain id from ``--chain-id`` or the node's status. Prints the result as JSON
(``code``, ``log``, ``codespace``, ``hash``, ``height``, gas) and exits non-zero when the
code is not 0.
"""

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
    keyring,
)
from abci_app.cli.keyring import Keyring
from abci_app.cosmos_tx.builder import body_bytes, build_and_sign
from abci_app.cosmos_tx.coins import parse_coins, to_proto
from abci_app.cosmos_tx.offline import UnsignedTx
from ledger.addresses import from_bech32
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

DEFAULT_GAS = 200_000


def _coins(text: str, what: str) -> tuple[tuple[str, int], ...]:
    try:
        return parse_coins(text)
    except ValueError as e:
        raise CommandError(f"invalid {what}: {e}") from None


def _send(args: argparse.Namespace) -> int:
    ring = keyring(args)
    if args.generate_only:
        return _generate(args, ring)
    key = ring.get(args.from_key)
    from_bech32(args.to_address)
    amount = _coins(args.amount, "amount")
    if not amount:
        raise CommandError("the amount must be positive, e.g. 1000usei")
    client = CometClient(args.node)
    chain_id = args.chain_id or client.status()["node_info"]["network"]
    number, sequence = args.account_number, args.sequence
    if number is None or sequence is None:
        account, _ = fetch_account(client, key.bech32)
        number = account.account_number if number is None else number
        sequence = account.sequence if sequence is None else sequence
    msg = bank_tx.MsgSend(from_address=key.bech32, to_address=args.to_address, amount=to_proto(amount))
    raw = build_and_sign(
        key.privkey, [msg], chain_id, number, sequence, _coins(args.fees, "fees"), args.gas, args.memo
    )
    result = _broadcast(client, raw, args.broadcast_mode)
    emit(result)
    return 0 if result["code"] == 0 else 1


def _generate(args: argparse.Namespace, ring: Keyring) -> int:
    """``--generate-only``: print the unsigned tx (``abci_app.cosmos_tx.offline``) for offline signing."""
    is_multisig = ring.is_multisig(args.from_key)
    sender = ring.get_multisig(args.from_key).bech32 if is_multisig else ring.get(args.from_key).bech32
    from_bech32(args.to_address)
    amount = _coins(args.amount, "amount")
    if not amount:
        raise CommandError("the amount must be positive, e.g. 1000usei")
    client = CometClient(args.node)
    chain_id = args.chain_id or client.status()["node_info"]["network"]
    number, sequence = args.account_number, args.sequence
    if number is None or sequence is None:
        account, _ = fetch_account(client, sender)
        number = account.account_number if number is None else number
        sequence = account.sequence if sequence is None else sequence
    msg = bank_tx.MsgSend(from_address=sender, to_address=args.to_address, amount=to_proto(amount))
    unsigned = UnsignedTx(chain_id, number, sequence, sender, body_bytes([msg], args.memo),
                          _coins(args.fees, "fees"), args.gas)
    emit(unsigned.to_json())
    return 0


def _broadcast(client: CometClient, raw: bytes, mode: str) -> dict[str, Any]:
    if mode == "sync":
        res = client.broadcast_tx_sync(raw)
        return {
            "code": int(res.get("code", 0)),
            "log": res.get("log", ""),
            "codespace": res.get("codespace", ""),
            "hash": res.get("hash", ""),
            "height": 0,
        }
    return commit_result(client.broadcast_tx_commit(raw))


def commit_result(res: dict[str, Any]) -> dict[str, Any]:
    """The CLI's JSON for a ``broadcast_tx_commit`` answer: the failing phase's code and log."""
    check, deliver = res.get("check_tx", {}), res.get("tx_result") or res.get("deliver_tx") or {}
    failed = check if int(check.get("code", 0)) else deliver
    return {
        "code": int(failed.get("code", 0)),
        "log": failed.get("log", ""),
        "codespace": failed.get("codespace", ""),
        "hash": res.get("hash", ""),
        "height": int(res.get("height", 0)),
        "gas_wanted": int(deliver.get("gas_wanted", check.get("gas_wanted", 0)) or 0),
        "gas_used": int(deliver.get("gas_used", check.get("gas_used", 0)) or 0),
    }


def add_tx_commands(subparsers: Any) -> None:
    tx = subparsers.add_parser("tx", help="sign and broadcast native transactions")
    modules = tx.add_subparsers(dest="tx_module", required=True)
    bank = modules.add_parser("bank", help="bank transactions")
    bank_cmds = bank.add_subparsers(dest="tx_command", required=True)
    p = bank_cmds.add_parser("send", help="send coins from a local key to an address")
    p.add_argument("from_key", metavar="FROM_KEY", help="name of a key in <home>/keys")
    p.add_argument("to_address", metavar="TO_ADDR", help="sei1… recipient")
    p.add_argument("amount", metavar="AMOUNT", help="coins, e.g. 1000usei or 5usei,7uatom")
    p.add_argument("--fees", default="", help="fee coins, e.g. 2000usei (must cover gas x min gas price)")
    p.add_argument("--gas", type=int, default=DEFAULT_GAS, help=f"gas limit (default {DEFAULT_GAS})")
    p.add_argument("--memo", default="")
    p.add_argument("--chain-id", default=None, help="default: the node's network")
    p.add_argument("--account-number", type=int, default=None, help="default: queried from the node")
    p.add_argument("--sequence", type=int, default=None, help="default: queried from the node")
    p.add_argument("--broadcast-mode", choices=("sync", "commit"), default="sync")
    p.add_argument("--generate-only", action="store_true",
                   help="print the unsigned tx instead (for pysei tx sign; FROM_KEY may be a multisig)")
    add_node(p)
    add_home(p)
    p.set_defaults(func=guarded(_send))
