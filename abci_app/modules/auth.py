"""The ``auth`` module: accounts (number, sequence, public key) and the account query.

Accounts live in the ``acc`` store through ``ledger.accounts``. Genesis::

    {"accounts": [{"address": "sei1..", "pub_key": "02ab..",        # hex, "" when unknown
                   "account_number": "0", "sequence": "0"}]}       # both optional

Accounts without a number are numbered in genesis order after the highest given one. EVM
address associations (also in ``acc``) are the ``evm`` module's genesis.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from google.protobuf.any_pb2 import Any as AnyPb

from abci_app.cosmos_tx.decode import PUBKEY_TYPE
from abci_app.module_api import Module, MsgError
from abci_app.modules.bank import address
from ledger import accounts, codes
from ledger.addresses import from_bech32, to_bech32
from ledger.encoding import encode_uint
from pysei_pb.cosmos.auth.v1beta1 import auth_pb2, query_pb2
from pysei_pb.cosmos.crypto.secp256k1 import keys_pb2
from store.api import KVView, ReadView

BASE_ACCOUNT = "/cosmos.auth.v1beta1.BaseAccount"
QUERY_ACCOUNT = "/cosmos.auth.v1beta1.Query/Account"
_NEXT_NUMBER = b"n"  # ledger.accounts key of the next account number


def base_account(account: accounts.Account) -> auth_pb2.BaseAccount:
    msg = auth_pb2.BaseAccount(
        address=to_bech32(account.address), account_number=account.number, sequence=account.sequence
    )
    if account.pubkey:
        msg.pub_key.CopyFrom(
            AnyPb(type_url=PUBKEY_TYPE, value=keys_pb2.PubKey(key=account.pubkey).SerializeToString())
        )
    return msg


def _account(data: bytes, view: ReadView, height: int) -> bytes:
    try:
        req = query_pb2.QueryAccountRequest.FromString(data)
    except Exception as e:  # protobuf DecodeError
        raise MsgError(codes.INVALID_REQUEST, f"invalid request: {e}") from None
    account = accounts.get_account(view, address(req.address, "account"))
    if account is None:
        raise MsgError(
            codes.NOT_FOUND,
            f"rpc error: code = NotFound desc = account {req.address} not found: key not found",
        )
    packed = AnyPb(type_url=BASE_ACCOUNT, value=base_account(account).SerializeToString())
    return query_pb2.QueryAccountResponse(account=packed).SerializeToString()


def _pubkey(value: Any) -> bytes:
    """Hex, or the SDK's JSON ``{"@type": "/cosmos.crypto.secp256k1.PubKey", "key": base64}``."""
    if not value:
        return b""
    key = (
        base64.b64decode(value["key"])
        if isinstance(value, Mapping)
        else bytes.fromhex(value.removeprefix("0x"))
    )
    if len(key) != 33:
        raise ValueError(f"auth genesis: public key must be 33 bytes compressed, got {len(key)}")
    return key


def _init_genesis(view: KVView, state: Mapping[str, Any]) -> None:
    entries = list(state.get("accounts", []))
    numbers = [int(e["account_number"]) for e in entries if e.get("account_number") not in (None, "")]
    if len(set(numbers)) != len(numbers):
        raise ValueError("auth genesis: duplicate account numbers")
    if numbers:
        view.set(accounts.STORE, _NEXT_NUMBER, encode_uint(max(numbers) + 1))
    for e in entries:
        addr = from_bech32(e["address"])
        if accounts.get_account(view, addr) is not None:
            raise ValueError(f"auth genesis: duplicate account {e['address']}")
        pubkey, sequence = _pubkey(e.get("pub_key")), int(e.get("sequence") or 0)
        if e.get("account_number") in (None, ""):
            number = accounts.create_account(view, addr, pubkey).number
        else:
            number = int(e["account_number"])
        accounts.put_account(view, accounts.Account(addr, number, sequence, pubkey))


def _export_genesis(view: ReadView) -> Mapping[str, Any]:
    found = []
    for key, value in view.iterate(accounts.STORE, b"a", b"b"):
        addr = key[2 : 2 + key[1]]
        found.append(accounts.Account.decode(addr, value))
    found.sort(key=lambda a: a.number)
    return {
        "accounts": [
            {
                "address": to_bech32(a.address),
                "pub_key": a.pubkey.hex(),
                "account_number": str(a.number),
                "sequence": str(a.sequence),
            }
            for a in found
        ]
    }


def module() -> Module:
    return Module(
        name="auth",
        store_names=(accounts.STORE,),
        queries={QUERY_ACCOUNT: _account},
        init_genesis=_init_genesis,
        export_genesis=_export_genesis,
    )
