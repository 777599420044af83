"""Canonical byte encodings shared by the store layers: varints, length-prefixed bytes and
the change-set wire form (used by the SC changelog and SS repair).

Change-set encoding (all integers unsigned LEB128 varints, ``bytes(x)`` = varint length ‖ x)::

    varint(version) ‖ varint(#stores) ‖ per store, sorted by name:
        bytes(name) ‖ varint(#pairs) ‖ per pair, sorted by key:
            bytes(key) ‖ 0x00                  (delete)
            bytes(key) ‖ 0x01 ‖ bytes(value)   (set)
"""

from __future__ import annotations

from store.api import ChangeSet


def uvarint(n: int) -> bytes:
    """Unsigned LEB128."""
    if n < 0:
        raise ValueError("uvarint of a negative number")
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def svarint(n: int) -> bytes:
    """Signed zig-zag varint (Go's ``binary.PutVarint``)."""
    return uvarint((n << 1) ^ (n >> 63) if n < 0 else n << 1)


def lp(data: bytes) -> bytes:
    """Length-prefixed bytes: ``uvarint(len) ‖ data``."""
    return uvarint(len(data)) + data


class Reader:
    """Sequential decoder over a bytes buffer; raises ``ValueError`` on truncation."""

    __slots__ = ("buf", "pos")

    def __init__(self, buf: bytes, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def uvarint(self) -> int:
        shift = result = 0
        buf, pos = self.buf, self.pos
        while True:
            if pos >= len(buf):
                raise ValueError("truncated varint")
            b = buf[pos]
            pos += 1
            result |= (b & 0x7F) << shift
            if b < 0x80:
                self.pos = pos
                return result
            shift += 7

    def raw(self, n: int) -> bytes:
        end = self.pos + n
        if end > len(self.buf):
            raise ValueError("truncated bytes")
        out = self.buf[self.pos : end]
        self.pos = end
        return bytes(out)

    def lp(self) -> bytes:
        return self.raw(self.uvarint())

    def done(self) -> bool:
        return self.pos >= len(self.buf)


def encode_changeset(version: int, cs: ChangeSet) -> bytes:
    parts = [uvarint(version), uvarint(len(cs.changes))]
    for name in sorted(cs.changes):
        pairs = cs.changes[name]
        parts.append(lp(name.encode()))
        parts.append(uvarint(len(pairs)))
        for key, value in pairs:
            parts.append(lp(key))
            parts.append(b"\x00" if value is None else b"\x01" + lp(value))
    return b"".join(parts)


def decode_changeset(data: bytes) -> tuple[int, ChangeSet]:
    r = Reader(data)
    version = r.uvarint()
    changes: dict[str, tuple[tuple[bytes, bytes | None], ...]] = {}
    for _ in range(r.uvarint()):
        name = r.lp().decode()
        pairs: list[tuple[bytes, bytes | None]] = []
        for _ in range(r.uvarint()):
            key = r.lp()
            flag = r.raw(1)
            pairs.append((key, r.lp() if flag == b"\x01" else None))
        changes[name] = tuple(pairs)
    if not r.done():
        raise ValueError("trailing bytes after change set")
    return version, ChangeSet(changes)
