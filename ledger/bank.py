"""Balances in the ``bank`` store; one balance, two views (usei natively, wei in the EVM).

Key layout (store ``bank``):

=============================  =============================================
``b`` + len + addr + denom     balance of ``denom`` (uint)
``w`` + len + addr             sub-usei wei remainder, always < 10**12 (uint)
``s`` + denom                  total supply of ``denom`` (uint)
``m`` + denom                  denom metadata (JSON, canonical: sorted keys)
=============================  =============================================

1 usei = 10**12 wei. An EVM balance is ``usei * 10**12 + remainder``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ledger.encoding import addr_key, decode_uint, encode_uint
from store.api import KVView, ReadView

STORE = "bank"
#: The first byte of every balance key (``b`` + len + address + denom).
BALANCE_PREFIX = b"b"
NATIVE_DENOM = "usei"
WEI_PER_USEI = 10**12


class InsufficientFunds(Exception):
    """Raised when a debit exceeds the balance; the message follows the Cosmos SDK wording."""


def _bkey(addr: bytes, denom: str) -> bytes:
    return BALANCE_PREFIX + addr_key(addr) + denom.encode()


def balance_key(addr: bytes, denom: str = NATIVE_DENOM) -> bytes:
    """The bank store key of ``addr``'s balance of ``denom`` (proofs name it)."""
    return _bkey(addr, denom)


def remainder_key(addr: bytes) -> bytes:
    """The bank store key of ``addr``'s sub-usei wei remainder (proofs name it)."""
    return b"w" + addr_key(addr)


def balance(view: ReadView, addr: bytes, denom: str = NATIVE_DENOM) -> int:
    return decode_uint(view.get(STORE, _bkey(addr, denom)))


def set_balance(view: KVView, addr: bytes, denom: str, amount: int) -> None:
    key = _bkey(addr, denom)
    if amount:
        view.set(STORE, key, encode_uint(amount))
    else:
        view.delete(STORE, key)


def all_balances(view: ReadView, addr: bytes) -> Iterator[tuple[str, int]]:
    prefix = BALANCE_PREFIX + addr_key(addr)
    # The range's end is the prefix plus one as a number: an address ending in 0xff carries
    # into the byte before (an open end would read every later account's balances).
    end = (int.from_bytes(prefix, "big") + 1).to_bytes(len(prefix), "big")
    for k, v in view.iterate(STORE, prefix, end):
        yield k[len(prefix):].decode(), decode_uint(v)


def add(view: KVView, addr: bytes, denom: str, amount: int) -> None:
    if amount:
        set_balance(view, addr, denom, balance(view, addr, denom) + amount)


def subtract(view: KVView, addr: bytes, denom: str, amount: int) -> None:
    have = balance(view, addr, denom)
    if have < amount:
        raise InsufficientFunds(f"spendable balance {have}{denom} is smaller than {amount}{denom}")
    if amount:
        set_balance(view, addr, denom, have - amount)


def transfer(view: KVView, sender: bytes, recipient: bytes, denom: str, amount: int) -> None:
    subtract(view, sender, denom, amount)
    add(view, recipient, denom, amount)


def supply(view: ReadView, denom: str) -> int:
    return decode_uint(view.get(STORE, b"s" + denom.encode()))


def set_supply(view: KVView, denom: str, amount: int) -> None:
    view.set(STORE, b"s" + denom.encode(), encode_uint(amount))


def mint(view: KVView, addr: bytes, denom: str, amount: int) -> None:
    add(view, addr, denom, amount)
    set_supply(view, denom, supply(view, denom) + amount)


def burn(view: KVView, addr: bytes, denom: str, amount: int) -> None:
    subtract(view, addr, denom, amount)
    set_supply(view, denom, supply(view, denom) - amount)


def wei_balance(view: ReadView, addr: bytes) -> int:
    """The EVM balance in wei of the account ``addr`` (Sei address bytes)."""
    rem = decode_uint(view.get(STORE, remainder_key(addr)))
    return balance(view, addr, NATIVE_DENOM) * WEI_PER_USEI + rem


def set_wei_balance(view: KVView, addr: bytes, wei: int) -> None:
    """Set the EVM balance; splits into usei and the remainder. Supply is unchanged (callers
    move value between accounts, so the sum is conserved)."""
    if wei < 0:
        raise InsufficientFunds("insufficient funds")
    usei, rem = divmod(wei, WEI_PER_USEI)
    set_balance(view, addr, NATIVE_DENOM, usei)
    rkey = remainder_key(addr)
    if rem:
        view.set(STORE, rkey, encode_uint(rem))
    elif view.get(STORE, rkey) is not None:
        view.delete(STORE, rkey)
