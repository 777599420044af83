"""Accounts in the ``acc`` store: account number, sequence, public key, EVM association.

Key layout (store ``acc``):

=====================  =====================================================
``a`` + len + addr     account record: u64 number ‖ u64 sequence ‖ pubkey (0 or 33 bytes)
``n``                  next account number (uint)
``e`` + evm20          the Sei address associated with an EVM address
``s`` + sei20          the EVM address associated with a Sei address
=====================  =====================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.encoding import addr_key, decode_uint, encode_uint, u64
from store.api import KVView, ReadView

STORE = "acc"
#: The first byte of every account record's key, and the next account number's key.
RECORD_PREFIX = b"a"
NEXT_NUMBER = b"n"


@dataclass(frozen=True)
class Account:
    address: bytes
    number: int
    sequence: int
    pubkey: bytes = b""

    def encode(self) -> bytes:
        return u64(self.number) + u64(self.sequence) + self.pubkey

    @staticmethod
    def decode(address: bytes, raw: bytes) -> Account:
        return Account(address, int.from_bytes(raw[:8], "big"), int.from_bytes(raw[8:16], "big"), raw[16:])


def get_account(view: ReadView, address: bytes) -> Account | None:
    raw = view.get(STORE, RECORD_PREFIX + addr_key(address))
    return Account.decode(address, raw) if raw is not None else None


def put_account(view: KVView, account: Account) -> None:
    view.set(STORE, RECORD_PREFIX + addr_key(account.address), account.encode())


def create_account(view: KVView, address: bytes, pubkey: bytes = b"") -> Account:
    """A new account with the next account number and sequence 0."""
    number = decode_uint(view.get(STORE, NEXT_NUMBER))
    view.set(STORE, NEXT_NUMBER, encode_uint(number + 1))
    account = Account(address, number, 0, pubkey)
    put_account(view, account)
    return account


def associated_sei(view: ReadView, evm: bytes) -> bytes | None:
    return view.get(STORE, b"e" + evm)


def associated_evm(view: ReadView, sei: bytes) -> bytes | None:
    return view.get(STORE, b"s" + sei)


def associate(view: KVView, sei: bytes, evm: bytes) -> bool:
    """Record the pair both ways; returns False when ``sei`` was already associated."""
    if view.get(STORE, b"s" + sei) is not None:
        return False
    view.set(STORE, b"e" + evm, sei)
    view.set(STORE, b"s" + sei, evm)
    return True


def sei_for_evm(view: ReadView, evm: bytes) -> bytes:
    """The Sei address that owns an EVM address's balance: its association, else a direct cast."""
    return associated_sei(view, evm) or evm


def evm_for_sei(view: ReadView, sei: bytes) -> bytes:
    """The EVM address of a Sei address: its association, else a direct cast (20-byte only)."""
    return associated_evm(view, sei) or sei[:20]
