"""``pysei tx wasm store|instantiate|execute|migrate`` and ``pysei query wasm smart|raw|code|contract``.

Txs are signed by a local key (``--from``) and broadcast like ``pysei tx bank send``; the
output adds what the chain answered in the tx's events (code id, contract address).
Queries go through ``abci_query`` on the ``/cosmwasm.wasm.v1.Query/*`` paths and print JSON
(a smart query prints the contract's JSON answer as is).
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path
from typing import Any

from abci_app.cli.comet_client import CometClient
from abci_app.cli.commands.common import (
    CommandError,
    add_node,
    add_tx_options,
    emit,
    fetch_account,
    guarded,
    keyring,
    subcommands,
)
from abci_app.cli.commands.query import _query
from abci_app.cli.commands.tx import _broadcast, _coins, commit_result
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.cosmos_tx.coins import to_proto
from pysei_pb.cosmwasm.wasm.v1 import query_pb2, tx_pb2

PREFIX = "/cosmwasm.wasm.v1."
QUERY = PREFIX + "Query/"
DEFAULT_GAS = 2_000_000


def _json_arg(text: str) -> bytes:
    try:
        json.loads(text)
    except ValueError as e:
        raise CommandError(f"message is not valid JSON: {e}") from None
    return text.encode()


def _sign_and_send(args: argparse.Namespace, type_url: str, build: Any) -> int:
    key = keyring(args).get(args.from_key)
    client = CometClient(args.node)
    chain_id = args.chain_id or client.status()["node_info"]["network"]
    account, _ = fetch_account(client, key.bech32)
    msg = build(key.bech32)
    raw = build_and_sign(
        key.privkey, [(type_url, msg)], chain_id, account.account_number, account.sequence,
        _coins(args.fees, "fees"), args.gas, args.memo,
    )
    if args.broadcast_mode == "sync":
        result = _broadcast(client, raw, "sync")
    else:
        res = client.broadcast_tx_commit(raw)
        result = commit_result(res)
        if result["code"] == 0:
            result.update(_found_in_events(res.get("tx_result") or {}))
    emit(result)
    return 0 if result["code"] == 0 else 1


def _found_in_events(tx_result: dict[str, Any]) -> dict[str, str]:
    """The first code_id / code_checksum / _contract_address attributes of the tx, for the output."""
    out: dict[str, str] = {}
    for ev in tx_result.get("events", []):
        for attr in ev.get("attributes", []):
            if attr.get("key") in ("code_id", "_contract_address", "code_checksum") and attr["key"] not in out:
                out[attr["key"]] = attr.get("value", "")
    return out


def _store(args: argparse.Namespace) -> int:
    code = Path(args.wasm_file).read_bytes()
    return _sign_and_send(
        args, PREFIX + "MsgStoreCode", lambda sender: tx_pb2.MsgStoreCode(sender=sender, wasm_byte_code=code)
    )


def _instantiate(args: argparse.Namespace) -> int:
    msg, funds = _json_arg(args.init_msg), _coins(args.amount, "amount")
    return _sign_and_send(
        args, PREFIX + "MsgInstantiateContract",
        lambda sender: tx_pb2.MsgInstantiateContract(
            sender=sender, admin=args.admin or "", code_id=args.code_id, label=args.label, msg=msg,
            funds=to_proto(funds),
        ),
    )


def _execute(args: argparse.Namespace) -> int:
    msg, funds = _json_arg(args.exec_msg), _coins(args.amount, "amount")
    return _sign_and_send(
        args, PREFIX + "MsgExecuteContract",
        lambda sender: tx_pb2.MsgExecuteContract(sender=sender, contract=args.contract, msg=msg, funds=to_proto(funds)),
    )


def _migrate(args: argparse.Namespace) -> int:
    msg = _json_arg(args.migrate_msg)
    return _sign_and_send(
        args, PREFIX + "MsgMigrateContract",
        lambda sender: tx_pb2.MsgMigrateContract(sender=sender, contract=args.contract, code_id=args.code_id, msg=msg),
    )


def _smart(args: argparse.Namespace) -> int:
    req = query_pb2.QuerySmartContractStateRequest(address=args.contract, query_data=_json_arg(args.query_msg))
    value, _ = _query(CometClient(args.node), QUERY + "SmartContractState", req, args.height)
    data = query_pb2.QuerySmartContractStateResponse.FromString(value).data
    try:
        emit(json.loads(data))
    except ValueError:
        emit({"data": base64.b64encode(data).decode()})
    return 0


def _raw(args: argparse.Namespace) -> int:
    key = bytes.fromhex(args.key) if args.hex else args.key.encode()
    req = query_pb2.QueryRawContractStateRequest(address=args.contract, query_data=key)
    value, height = _query(CometClient(args.node), QUERY + "RawContractState", req, args.height)
    data = query_pb2.QueryRawContractStateResponse.FromString(value).data
    emit({"data": base64.b64encode(data).decode(), "height": str(height)})
    return 0


def _code(args: argparse.Namespace) -> int:
    req = query_pb2.QueryCodeRequest(code_id=args.code_id)
    value, _ = _query(CometClient(args.node), QUERY + "Code", req, args.height)
    out = query_pb2.QueryCodeResponse.FromString(value)
    if args.output:
        Path(args.output).write_bytes(out.data)
    info = out.code_info
    emit({"code_id": str(info.code_id), "creator": info.creator, "checksum": info.data_hash.hex(), "size": len(out.data)})
    return 0


def _contract(args: argparse.Namespace) -> int:
    req = query_pb2.QueryContractInfoRequest(address=args.contract)
    value, _ = _query(CometClient(args.node), QUERY + "ContractInfo", req, args.height)
    info = query_pb2.QueryContractInfoResponse.FromString(value).contract_info
    emit(
        {"address": args.contract, "code_id": str(info.code_id), "creator": info.creator, "admin": info.admin,
         "label": info.label, "created_height": str(info.created.block_height)}
    )
    return 0


def add_wasm_commands(subparsers: Any) -> None:
    tx = subcommands(subparsers.choices["tx"]).add_parser("wasm", help="CosmWasm transactions")
    cmds = tx.add_subparsers(dest="wasm_command", required=True)
    p = cmds.add_parser("store", help="upload Wasm code")
    p.add_argument("wasm_file", metavar="WASM_FILE")
    p.set_defaults(func=guarded(_store))
    p = cmds.add_parser("instantiate", help="create a contract from a code id")
    p.add_argument("code_id", type=int, metavar="CODE_ID")
    p.add_argument("init_msg", metavar="JSON")
    p.add_argument("--label", required=True)
    p.add_argument("--admin", default="", help="address that may migrate the contract")
    p.add_argument("--amount", default="", help="funds sent to the contract, e.g. 100usei")
    p.set_defaults(func=guarded(_instantiate))
    p = cmds.add_parser("execute", help="call a contract")
    p.add_argument("contract", metavar="CONTRACT")
    p.add_argument("exec_msg", metavar="JSON")
    p.add_argument("--amount", default="", help="funds sent to the contract, e.g. 100usei")
    p.set_defaults(func=guarded(_execute))
    p = cmds.add_parser("migrate", help="move a contract to new code (admin only)")
    p.add_argument("contract", metavar="CONTRACT")
    p.add_argument("code_id", type=int, metavar="NEW_CODE_ID")
    p.add_argument("migrate_msg", metavar="JSON")
    p.set_defaults(func=guarded(_migrate))
    for p in cmds.choices.values():
        add_tx_options(p, DEFAULT_GAS, "40000usei")

    query = subcommands(subparsers.choices["query"]).add_parser("wasm", help="CosmWasm queries")
    qcmds = query.add_subparsers(dest="wasm_query", required=True)
    p = qcmds.add_parser("smart", help="run a contract's query entry point")
    p.add_argument("contract", metavar="CONTRACT")
    p.add_argument("query_msg", metavar="JSON")
    p.set_defaults(func=guarded(_smart))
    p = qcmds.add_parser("raw", help="read one key of a contract's storage")
    p.add_argument("contract", metavar="CONTRACT")
    p.add_argument("key", metavar="KEY")
    p.add_argument("--hex", action="store_true", help="KEY is hex (default: UTF-8 text)")
    p.set_defaults(func=guarded(_raw))
    p = qcmds.add_parser("code", help="code info (and the code with --output)")
    p.add_argument("code_id", type=int, metavar="CODE_ID")
    p.add_argument("--output", default=None, help="write the Wasm code to this file")
    p.set_defaults(func=guarded(_code))
    p = qcmds.add_parser("contract", help="contract info")
    p.add_argument("contract", metavar="CONTRACT")
    p.set_defaults(func=guarded(_contract))
    for p in qcmds.choices.values():
        p.add_argument("--height", type=int, default=0, help="state at this height (default latest)")
        add_node(p)
