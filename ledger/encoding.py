"""Canonical byte encodings shared by state keys and values.

Integers in values are unsigned big-endian with no leading zero bytes (0 is ``b""``), so
each value has exactly one encoding. Addresses inside keys carry a one-byte length prefix
because account addresses are 20 bytes and contract addresses 32.
"""

from __future__ import annotations


def encode_uint(n: int) -> bytes:
    if n < 0:
        raise ValueError("negative amount")
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def decode_uint(b: bytes | None) -> int:
    return int.from_bytes(b, "big") if b else 0


def addr_key(addr: bytes) -> bytes:
    return bytes([len(addr)]) + addr


def u64(n: int) -> bytes:
    return n.to_bytes(8, "big")
