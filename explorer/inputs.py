"""What a user typed, checked: heights, tx hashes, and where a search leads."""

from __future__ import annotations

import re

from explorer import addresses
from explorer.api import BadInput

_HASH = re.compile(r"(0x)?[0-9a-fA-F]{64}")
_CONS = re.compile(r"[0-9a-fA-F]{40}")
MAX_HEIGHT = 2**63 - 1


def height(text: str) -> int:
    if not text.isdigit() or len(text) > 19 or int(text) > MAX_HEIGHT:
        raise BadInput(f"{text!r} is not a block height (a whole number from 1)")
    value = int(text)
    if value < 1:
        raise BadInput("block heights start at 1")
    return value


def tx_hash(text: str) -> str:
    """``0x`` + 64 lowercase hex digits (a CometBFT hash is the same digits, uppercase)."""
    if not _HASH.fullmatch(text):
        raise BadInput(f"{text!r} is not a tx hash (64 hex digits, 0x optional)")
    return "0x" + text.removeprefix("0x").lower()


def is_consensus_address(text: str) -> bool:
    return bool(_CONS.fullmatch(text))


def search_target(query: str) -> str:
    """The page a search leads to; ``BadInput`` saying what a query can be."""
    q = query.strip()
    if not q:
        raise BadInput("type a block height, a tx hash, or an address (0x… or sei1…)")
    if q.isdigit():
        return f"/block/{height(q)}"
    if _HASH.fullmatch(q):
        return f"/tx/{tx_hash(q)}"
    if addresses.is_evm(q):
        return f"/address/{addresses.evm_checksum(q)}"
    if q.startswith(addresses.VALOPER_PREFIX + "1"):
        addresses.bech32_bytes(q, addresses.VALOPER_PREFIX)
        return f"/validator/{q}"
    if q.startswith(addresses.ACCOUNT_PREFIX + "1"):
        addresses.bech32_bytes(q)
        return f"/address/{q}"
    if is_consensus_address(q):
        return f"/validator/{q.upper()}"
    raise BadInput(f"{q!r} is not a block height, tx hash or address (0x…, sei1…, seivaloper1…)")
