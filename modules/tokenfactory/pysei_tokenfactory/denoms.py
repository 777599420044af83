"""Factory denoms: naming, admins and the per-creator index in the ``tokenfactory`` store.

Key layout (store ``tokenfactory``):

==============================  ==================================================
``a`` + denom                   admin: ``0x01`` + address, or ``0x00`` for none
``c`` + len + creator + denom   present (``0x01``) for each denom the creator made
==============================  ==================================================

Balances and supply are the bank's (``ledger.bank``); so is denom metadata, kept in the
bank store under ``m`` + denom as canonical JSON (sorted keys, no spaces) in the Cosmos
SDK's JSON shape, which the bank module's genesis imports and exports unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from abci_app.cosmos_tx.coins import valid_denom
from abci_app.module_api import KVView, MsgError, ReadView
from ledger import bank, codes
from ledger.addresses import AddressError, from_bech32, to_bech32
from ledger.encoding import addr_key

STORE = "tokenfactory"
CODESPACE = "tokenfactory"
PREFIX = "factory"
MAX_SUBDENOM = 44
MAX_CREATOR = 75  # 59 + the longest bech32 prefix allowed (16)

# sei-chain x/tokenfactory error codes (codespace ``tokenfactory``).
DENOM_EXISTS = 2
UNAUTHORIZED = 3
INVALID_DENOM = 4
INVALID_CREATOR = 5
INVALID_METADATA = 6
SUBDENOM_TOO_LONG = 8
CREATOR_TOO_LONG = 9
DENOM_NOT_FOUND = 10


def fail(code: int, log: str) -> MsgError:
    return MsgError(code, log, CODESPACE)


def address(text: str, what: str) -> bytes:
    """A ``sei1…`` address; raises ``MsgError(INVALID_ADDRESS)``."""
    try:
        return from_bech32(text)
    except AddressError as e:
        raise MsgError(codes.INVALID_ADDRESS, f"invalid {what} address: {e}: invalid address") from None


def denom_of(creator: str, subdenom: str) -> str:
    """``factory/{creator}/{subdenom}``, checked as Sei checks it."""
    if len(subdenom) > MAX_SUBDENOM:
        raise fail(SUBDENOM_TOO_LONG, f"subdenom too long, max length is {MAX_SUBDENOM} bytes")
    if len(creator) > MAX_CREATOR:
        raise fail(CREATOR_TOO_LONG, f"creator too long, max length is {MAX_CREATOR} bytes")
    if "/" in creator:
        raise fail(INVALID_CREATOR, f"invalid creator: {creator}")
    denom = f"{PREFIX}/{creator}/{subdenom}"
    if not valid_denom(denom):
        raise fail(INVALID_DENOM, f"invalid denom: {denom}")
    return denom


def split(denom: str) -> tuple[str, str]:
    """``factory/{creator}/{subdenom}`` -> (creator, subdenom); raises ``INVALID_DENOM``."""
    parts = denom.split("/", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1]:
        raise fail(INVALID_DENOM, f"invalid denom: {denom}: not a {PREFIX}/{{creator}}/{{subdenom}} denom")
    try:
        from_bech32(parts[1])
    except AddressError as e:
        raise fail(INVALID_DENOM, f"invalid denom: {denom}: creator: {e}") from None
    if denom_of(parts[1], parts[2]) != denom:
        raise fail(INVALID_DENOM, f"invalid denom: {denom}")
    return parts[1], parts[2]


def admin(view: ReadView, denom: str) -> bytes | None:
    """The denom's admin address; ``b""`` when it has none; None when the denom is unknown."""
    raw = view.get(STORE, b"a" + denom.encode())
    return None if raw is None else raw[1:]


def require_admin(view: ReadView, denom: str, sender: bytes) -> None:
    """Raise unless ``sender`` administers ``denom`` (which must exist)."""
    current = admin(view, denom)
    if current is None:
        raise fail(DENOM_NOT_FOUND, f"denom does not exist: {denom}")
    if current != sender:
        raise fail(UNAUTHORIZED, f"unauthorized account: {to_bech32(sender)} is not the admin of {denom}")


def set_admin(view: KVView, denom: str, new_admin: bytes) -> None:
    view.set(STORE, b"a" + denom.encode(), (b"\x01" + new_admin) if new_admin else b"\x00")


def add_denom(view: KVView, creator: bytes, denom: str, denom_admin: bytes) -> None:
    set_admin(view, denom, denom_admin)
    view.set(STORE, b"c" + addr_key(creator) + denom.encode(), b"\x01")


def denoms_of(view: ReadView, creator: bytes) -> list[str]:
    """The creator's denoms, sorted."""
    prefix = b"c" + addr_key(creator)
    end = (int.from_bytes(prefix, "big") + 1).to_bytes(len(prefix), "big")  # a creator ending in 0xff carries
    return [k[len(prefix) :].decode() for k, _ in view.iterate(STORE, prefix, end)]


def all_denoms(view: ReadView) -> Iterator[tuple[str, bytes]]:
    """Every factory denom with its admin (``b""`` = none), in key order."""
    for key, value in view.iterate(STORE, b"a", b"b"):
        yield key[1:].decode(), value[1:]


# ---- bank metadata (the bank store's ``m`` + denom entry) -----------------------------


def metadata(view: ReadView, denom: str) -> Mapping[str, Any] | None:
    raw = view.get(bank.STORE, b"m" + denom.encode())
    return None if raw is None else json.loads(raw)


def set_metadata(view: KVView, meta: Mapping[str, Any]) -> None:
    encoded = json.dumps(meta, sort_keys=True, separators=(",", ":")).encode()
    view.set(bank.STORE, b"m" + str(meta["base"]).encode(), encoded)
