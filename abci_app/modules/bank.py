"""The ``bank`` module: ``MsgSend``, balance and supply queries, genesis balances.

Balances live in the ``bank`` store through ``ledger.bank`` (one balance, two views: usei
natively, wei in the EVM). Genesis::

    {"balances": [{"address": "sei1..", "coins": [{"denom": "usei", "amount": "123"}]}],
     "supply": [...],            # optional on import (checked); always computed on export
     "wei_remainders": [{"address": "sei1..", "amount": "5"}],
     "denom_metadata": [{"base": "usei", ...}]}

A genesis balance holder without an account gets one, numbered in genesis order (after the
``auth`` genesis accounts, which the app imports first); module accounts (fee collector,
pools) hold balances without account records.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from abci_app.cosmos_tx import amino
from abci_app.cosmos_tx import coins as coin_codec
from abci_app.module_api import Module, MsgError, MsgHandler
from evm_bridge.pointers.synthetic import cosmos_transfer_events
from ledger import accounts, association, bank, codes
from ledger.addresses import (
    BONDED_POOL,
    DISTRIBUTION,
    FEE_COLLECTOR,
    NOT_BONDED_POOL,
    AddressError,
    from_bech32,
    to_bech32,
)
from ledger.context import BlockContext
from ledger.encoding import decode_uint
from ledger.results import Event
from pysei_pb.cosmos.bank.v1beta1 import query_pb2, tx_pb2
from pysei_pb.cosmos.base.query.v1beta1 import pagination_pb2
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from store.api import KVView, ReadView

SEND = "/cosmos.bank.v1beta1.MsgSend"
SEND_GAS = 30_000
QUERY = "/cosmos.bank.v1beta1.Query/"
#: Module accounts that must never receive a plain send (the SDK's blocked addresses).
BLOCKED = frozenset({FEE_COLLECTOR, BONDED_POOL, NOT_BONDED_POOL, DISTRIBUTION})


def address(text: str, what: str) -> bytes:
    """A ``sei1…`` address; raises ``MsgError(INVALID_ADDRESS)``."""
    try:
        return from_bech32(text)
    except AddressError as e:
        raise MsgError(codes.INVALID_ADDRESS, f"invalid {what} address: {e}: invalid address") from None


def _validate_send(msg: tx_pb2.MsgSend) -> None:
    address(msg.from_address, "from")
    address(msg.to_address, "to")
    coin_codec.from_proto(msg.amount)


def _send(msg: tx_pb2.MsgSend, ctx: BlockContext, view: KVView) -> tuple[Sequence[Event], bytes]:
    sender, recipient = address(msg.from_address, "from"), address(msg.to_address, "to")
    amount = coin_codec.from_proto(msg.amount)
    if recipient in BLOCKED:
        raise MsgError(codes.UNAUTHORIZED, f"{msg.to_address} is not allowed to receive funds: unauthorized")
    if not association.can_receive(view, recipient):
        raise MsgError(codes.INVALID_RECIPIENT, f"{msg.to_address} is the cast address of an associated account: invalid bank recipient")
    for denom, value in amount:
        try:
            bank.transfer(view, sender, recipient, denom, value)
        except bank.InsufficientFunds as e:
            raise MsgError(codes.INSUFFICIENT_FUNDS, f"{e}: insufficient funds") from None
    if accounts.get_account(view, recipient) is None:
        accounts.create_account(view, recipient)
    text = coin_codec.format_coins(amount)
    events = (
        Event("coin_spent", (("spender", msg.from_address), ("amount", text))),
        Event("coin_received", (("receiver", msg.to_address), ("amount", text))),
        Event("transfer", (("recipient", msg.to_address), ("sender", msg.from_address), ("amount", text))),
        Event("message", (("sender", msg.from_address),)),
        *cosmos_transfer_events(view, sender, recipient, amount),
    )
    return events, tx_pb2.MsgSendResponse().SerializeToString()


def _request(cls: Any, data: bytes) -> Any:
    try:
        return cls.FromString(data)
    except Exception as e:  # protobuf DecodeError
        raise MsgError(codes.INVALID_REQUEST, f"invalid request: {e}") from None


def _denom(denom: str) -> str:
    if not coin_codec.valid_denom(denom):
        raise MsgError(codes.INVALID_COINS, f"invalid denom: {denom!r}")
    return denom


def _balance(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(query_pb2.QueryBalanceRequest, data)
    addr, denom = address(req.address, "account"), _denom(req.denom)
    coin = coin_pb2.Coin(denom=denom, amount=str(bank.balance(view, addr, denom)))
    return query_pb2.QueryBalanceResponse(balance=coin).SerializeToString()


def _all_balances(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(query_pb2.QueryAllBalancesRequest, data)
    held = list(bank.all_balances(view, address(req.address, "account")))
    return query_pb2.QueryAllBalancesResponse(
        balances=coin_codec.to_proto(held), pagination=pagination_pb2.PageResponse(total=len(held))
    ).SerializeToString()


def _supply_of(data: bytes, view: ReadView, height: int) -> bytes:
    denom = _denom(_request(query_pb2.QuerySupplyOfRequest, data).denom)
    coin = coin_pb2.Coin(denom=denom, amount=str(bank.supply(view, denom)))
    return query_pb2.QuerySupplyOfResponse(amount=coin).SerializeToString()


def _genesis_coins(entry: Mapping[str, Any]) -> coin_codec.Coins:
    pb = [coin_pb2.Coin(denom=c["denom"], amount=str(c["amount"])) for c in entry.get("coins", [])]
    try:
        return coin_codec.from_proto(pb, allow_empty=True)
    except MsgError as e:
        raise ValueError(f"bank genesis: {entry.get('address')}: {e.log}") from None


def _init_genesis(view: KVView, state: Mapping[str, Any]) -> None:
    supply: dict[str, int] = {}
    for entry in state.get("balances", []):
        addr = from_bech32(entry["address"])
        if addr not in BLOCKED and accounts.get_account(view, addr) is None:
            accounts.create_account(view, addr)
        for denom, amount in _genesis_coins(entry):
            bank.add(view, addr, denom, amount)
            supply[denom] = supply.get(denom, 0) + amount
    remainders = 0
    for entry in state.get("wei_remainders", []):
        addr, rem = from_bech32(entry["address"]), int(entry["amount"])
        if not 0 <= rem < bank.WEI_PER_USEI:
            raise ValueError(f"bank genesis: wei remainder {rem} of {entry['address']} out of range")
        bank.set_wei_balance(view, addr, bank.wei_balance(view, addr) + rem)
        remainders += rem
    # EVM transfers split usei into per-account wei remainders: on a chain that conserves wei
    # they add up to whole usei of the supply that no usei balance shows.
    if remainders >= bank.WEI_PER_USEI:
        supply[bank.NATIVE_DENOM] = supply.get(bank.NATIVE_DENOM, 0) + remainders // bank.WEI_PER_USEI
    for denom, total in sorted(supply.items()):
        bank.set_supply(view, denom, total)
    declared = {c["denom"]: int(c["amount"]) for c in state.get("supply", [])}
    if declared and declared != supply:
        raise ValueError(f"bank genesis: declared supply {declared} differs from the balances' sum {supply}")
    for meta in state.get("denom_metadata", []):
        view.set(bank.STORE, b"m" + meta["base"].encode(), _canonical_json(meta))


def _canonical_json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def _split_addr_key(key: bytes) -> tuple[bytes, bytes]:
    """``len + addr + rest`` -> (addr, rest) (``ledger.encoding.addr_key`` layout)."""
    n = key[0]
    return key[1 : 1 + n], key[1 + n :]


def _export_genesis(view: ReadView) -> Mapping[str, Any]:
    balances: list[dict[str, Any]] = []
    remainders, supply, metadata = [], [], []
    for key, value in view.iterate(bank.STORE, None, None):
        kind, rest = key[:1], key[1:]
        if kind == b"b":
            addr, denom = _split_addr_key(rest)
            text = to_bech32(addr)
            if not balances or balances[-1]["address"] != text:
                balances.append({"address": text, "coins": []})
            balances[-1]["coins"].append({"denom": denom.decode(), "amount": str(decode_uint(value))})
        elif kind == b"w":
            remainders.append(
                {"address": to_bech32(_split_addr_key(rest)[0]), "amount": str(decode_uint(value))}
            )
        elif kind == b"s":
            supply.append({"denom": rest.decode(), "amount": str(decode_uint(value))})
        elif kind == b"m":
            metadata.append(json.loads(value))
    return {"balances": balances, "supply": supply, "wei_remainders": remainders, "denom_metadata": metadata}


def _send_amino(msg: tx_pb2.MsgSend) -> dict[str, Any]:
    value = amino.omit_empty(from_address=msg.from_address, to_address=msg.to_address)
    return amino.msg("cosmos-sdk/MsgSend", {**value, "amount": amino.coins(msg.amount)})


def module() -> Module:
    send = MsgHandler(
        type_url=SEND,
        decode=tx_pb2.MsgSend.FromString,
        signers=lambda m: (from_bech32(m.from_address),),
        validate=_validate_send,
        execute=_send,
        gas=SEND_GAS,
        context_free=True,
        balance_deltas=True,
        amino=_send_amino,
    )
    return Module(
        name="bank",
        store_names=(bank.STORE,),
        messages={SEND: send},
        queries={
            QUERY + "Balance": _balance,
            QUERY + "AllBalances": _all_balances,
            QUERY + "SupplyOf": _supply_of,
        },
        init_genesis=_init_genesis,
        export_genesis=_export_genesis,
    )
