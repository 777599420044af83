"""A strict, allocation-light reader of one RLP list level (for tx decoding).

``scan_list`` returns each item's (start, payload start, end, is_list) offsets so the
decoder can slice ints and bytes directly and re-use the exact signed bytes for the
signing hash, instead of decoding everything into objects and re-encoding it.
"""

from __future__ import annotations

from collections.abc import Iterable

Item = tuple[int, int, int, bool]


class RlpError(ValueError):
    pass


def _header(buf: bytes, pos: int, end: int) -> tuple[int, int, bool]:
    """(payload start, payload end, is_list) of the item at ``pos``; canonical form only."""
    if pos >= end:
        raise RlpError("unexpected end of input")
    b = buf[pos]
    if b < 0x80:
        return pos, pos + 1, False
    if b < 0xB8:
        n = b - 0x80
        if n == 1 and pos + 1 < end and buf[pos + 1] < 0x80:
            raise RlpError("non-canonical size information")
        start, is_list = pos + 1, False
    elif b < 0xC0:
        start, n, is_list = _long(buf, pos, end, b - 0xB7)
    elif b < 0xF8:
        start, n, is_list = pos + 1, b - 0xC0, True
    else:
        start, n, is_list = _long(buf, pos, end, b - 0xF7)
        is_list = True
    if start + n > end:
        raise RlpError("value size exceeds available input length")
    return start, start + n, is_list


def _long(buf: bytes, pos: int, end: int, size_len: int) -> tuple[int, int, bool]:
    if pos + 1 + size_len > end:
        raise RlpError("unexpected end of input")
    size = buf[pos + 1 : pos + 1 + size_len]
    if size[0] == 0:
        raise RlpError("non-canonical size information")
    n = int.from_bytes(size, "big")
    if n < 56:
        raise RlpError("non-canonical size information")
    return pos + 1 + size_len, n, False


def scan_list(buf: bytes, pos: int = 0) -> list[Item]:
    """The items of the list that spans exactly ``buf[pos:]``."""
    start, end, is_list = _header(buf, pos, len(buf))
    if not is_list:
        raise RlpError("expected input list")
    if end != len(buf):
        raise RlpError("input contains more than one value")
    items = []
    p = start
    while p < end:
        ps, pe, lst = _header(buf, p, end)
        items.append((p, ps, pe, lst))
        p = pe
    return items


def scan_nested(buf: bytes, item: Item) -> list[Item]:
    """The items of a nested list item."""
    _, ps, pe, is_list = item
    if not is_list:
        raise RlpError("expected input list")
    items = []
    p = ps
    while p < pe:
        s, e, lst = _header(buf, p, pe)
        items.append((p, s, e, lst))
        p = e
    return items


def encode_length(n: int, offset: int) -> bytes:
    """The RLP header for a payload of ``n`` bytes (``offset`` 0x80 strings, 0xc0 lists)."""
    if n < 56:
        return bytes([offset + n])
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([offset + 55 + len(size)]) + size


def encode_bytes(value: bytes) -> bytes:
    """The RLP string ``value``."""
    if len(value) == 1 and value[0] < 0x80:
        return value
    return encode_length(len(value), 0x80) + value


def encode_list(items: Iterable[bytes]) -> bytes:
    """The RLP list of already encoded ``items``."""
    body = b"".join(items)
    return encode_length(len(body), 0xC0) + body


def encode_uint(n: int) -> bytes:
    if n == 0:
        return b"\x80"
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return encode_length(len(raw), 0x80) + raw
