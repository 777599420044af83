"""The two address forms of an account: ``0x`` + 20 bytes (EVM) and bech32 ``sei1…``
(also ``seivaloper1…`` for validators); parsing says what is wrong with a malformed one."""

from __future__ import annotations

import re

import bech32
from eth_utils import to_checksum_address

from explorer.api import BadInput

ACCOUNT_PREFIX = "sei"
VALOPER_PREFIX = "seivaloper"
_HEX40 = re.compile(r"0x[0-9a-fA-F]{40}")


def is_evm(text: str) -> bool:
    return bool(_HEX40.fullmatch(text))


def is_address(text: str) -> bool:
    """A 0x address or a valid ``sei1…`` one (what an address page can show)."""
    if is_evm(text):
        return True
    hrp, data = bech32.bech32_decode(text)
    return hrp == ACCOUNT_PREFIX and data is not None


def evm_checksum(text: str) -> str:
    """The EIP-55 form of a ``0x`` address (``BadInput`` when it is not one)."""
    if not is_evm(text):
        raise BadInput(f"{text!r} is not an EVM address (0x and 40 hex digits)")
    return to_checksum_address(text.lower())


def bech32_bytes(text: str, prefix: str = ACCOUNT_PREFIX) -> bytes:
    """The bytes of a bech32 address with ``prefix`` (``BadInput`` naming the problem)."""
    hrp, data = bech32.bech32_decode(text)
    if hrp is None or data is None:
        raise BadInput(f"{text!r} is not a valid bech32 address (bad characters or checksum)")
    if hrp != prefix:
        raise BadInput(f"{text!r} has prefix {hrp!r}, want {prefix!r}")
    raw = bech32.convertbits(data, 5, 8, False)
    if raw is None or len(raw) not in (20, 32):
        raise BadInput(f"{text!r} does not hold a 20 or 32 byte address")
    return bytes(raw)


def to_bech32(raw: bytes, prefix: str = ACCOUNT_PREFIX) -> str:
    return bech32.bech32_encode(prefix, bech32.convertbits(raw, 8, 5))


def short(text: str, keep: int = 6) -> str:
    """``0xabcd…1234`` for long hashes and addresses."""
    return text if len(text) <= 2 * keep + 3 else f"{text[:keep]}…{text[-4:]}"
