"""Hex encodings of JSON-RPC: quantities (``0x1a``, no leading zeros) and data (``0x…``)."""

from __future__ import annotations

from functools import lru_cache

from ledger.addresses import to_checksum_evm

_checksum = lru_cache(maxsize=65_536)(to_checksum_evm)


def qty(n: int) -> str:
    return hex(n)


def data(b: bytes) -> str:
    return "0x" + b.hex()


def hash32(b: bytes) -> str:
    """A 32-byte hash; shorter inputs are left-padded with zeros, longer ones cut."""
    return "0x" + b.rjust(32, b"\0")[-32:].hex()


def address(b: bytes | None) -> str | None:
    return None if b is None else _checksum(b.rjust(20, b"\0")[-20:])


def address_lower(b: bytes) -> str:
    return "0x" + b.hex()
