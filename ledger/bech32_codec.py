"""Bech32 (BIP-173) for addresses, byte payloads in and out, about 10x faster than the
reference implementation (the ``bech32`` package, which the tests use as the oracle).

Every native tx decodes and encodes a few addresses, and an OCC worker meets each new
address cold (the app process has it cached from CheckTx), so the codec's speed is the
worker's speed. Same acceptance rules as the reference: one case, characters 33-126, the
separator at position 1-83 with at least 6 checksum characters after it, the bech32
(not bech32m) checksum, and zero padding bits.
"""

from __future__ import annotations

from functools import lru_cache, reduce
from operator import xor

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BASE32 = "0123456789abcdefghijklmnopqrstuv"
#: Printable ASCII -> base-32 digits (so ``int(_, 32)`` reads a payload): bech32 characters
#: to their values' digits, any other character to "!"; then digit bytes -> values (255:
#: none).
_TO_BASE32 = str.maketrans({chr(b): "!" for b in range(33, 127)} | dict(zip(CHARSET, _BASE32, strict=True)))
_DIGIT_VALUES = bytes(_BASE32.index(chr(b)) if chr(b) in _BASE32 else 255 for b in range(256))
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
#: The generator terms selected by each value of the checksum's top 5 bits.
_STEP = tuple(reduce(xor, (g for i, g in enumerate(_GENERATOR) if top >> i & 1), 0) for top in range(32))


def _step(chk: int, value: int) -> int:
    return ((chk & 0x1FFFFFF) << 5 ^ value) ^ _STEP[chk >> 25]


#: Two steps at once (the checksum is linear): what the top 10 bits contribute.
_STEP2 = tuple(_step(_step(top << 20, 0), 0) for top in range(1024))


def _polymod(values: list[int], chk: int) -> int:
    """The checksum state after ``values`` (5-bit), from state ``chk``; two per round."""
    step2 = _STEP2
    start = len(values) & 1
    if start:
        chk = _step(chk, values[0])
    it = iter(values[start:])
    for high, low in zip(it, it, strict=True):  # an even count remains
        chk = ((chk & 0xFFFFF) << 10 ^ high << 5 ^ low) ^ step2[chk >> 20]
    return chk


@lru_cache(maxsize=64)
def _hrp_state(hrp: str) -> int:
    """The checksum state after the expanded human-readable part."""
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    return _polymod(expanded, 1)


def encode(hrp: str, payload: bytes) -> str:
    """``hrp`` + "1" + the payload's 5-bit groups (zero-padded) + checksum."""
    bits = len(payload) * 8
    pad = -bits % 5
    n = int.from_bytes(payload, "big") << pad
    count = (bits + pad) // 5
    data = [(n >> 5 * i) & 31 for i in range(count - 1, -1, -1)]
    chk = _polymod(data + [0, 0, 0, 0, 0, 0], _hrp_state(hrp)) ^ 1
    data += [(chk >> 5 * i) & 31 for i in range(5, -1, -1)]
    return hrp + "1" + "".join([CHARSET[d] for d in data])


def decode(text: str) -> tuple[str, bytes] | None:
    """(hrp, payload) of a valid bech32 string whose data converts to whole bytes, else None."""
    if not (text.isascii() and text.isprintable()) or " " in text:  # characters 33-126 only
        return None
    lower = text.lower()
    if lower != text and text.upper() != text:
        return None
    pos = lower.rfind("1")
    if pos < 1 or pos > 83 or pos + 7 > len(lower):
        return None
    hrp, tail = lower[:pos], lower[pos + 1 :]
    digits = tail.translate(_TO_BASE32)
    data = list(digits.encode("latin-1").translate(_DIGIT_VALUES))
    if max(data) > 31:
        return None
    if _polymod(data, _hrp_state(hrp)) != 1:
        return None
    groups = len(data) - 6
    n = int(digits[:groups], 32) if groups else 0
    spare = groups * 5 % 8
    if spare >= 5 or n & ((1 << spare) - 1):
        return None
    return hrp, (n >> spare).to_bytes(groups * 5 // 8, "big")
