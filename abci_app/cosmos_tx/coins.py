"""Coin amounts as the Cosmos SDK validates and prints them.

A coin list is a tuple of ``(denom, amount)`` with positive integer amounts below 2**256,
denoms matching the SDK's regex and no denom twice. Its text form is ``100usei,5uatom``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from abci_app.module_api import MsgError
from ledger import codes
from pysei_pb.cosmos.base.v1beta1 import coin_pb2

Coins = tuple[tuple[str, int], ...]

DENOM = re.compile(r"[a-zA-Z][a-zA-Z0-9/:._-]{2,127}")
_COIN_TEXT = re.compile(r"([0-9]+)([a-zA-Z][a-zA-Z0-9/:._-]{2,127})")
MAX_AMOUNT = 2**256 - 1


def valid_denom(denom: str) -> bool:
    return DENOM.fullmatch(denom) is not None


def parse_amount(text: str) -> int:
    """A non-negative decimal integer string (no sign, no spaces); raises ``ValueError``."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 78:
        raise ValueError(f"invalid amount {text!r}")
    value = int(text)
    if value > MAX_AMOUNT:
        raise ValueError(f"amount {text} overflows 256 bits")
    return value


def from_proto(coins: Iterable[coin_pb2.Coin], *, allow_empty: bool = False) -> Coins:
    """Validate protobuf coins: raises ``MsgError(INVALID_COINS)``."""
    out: list[tuple[str, int]] = []
    seen: set[str] = set()
    for c in coins:
        shown = f"{c.amount}{c.denom}"
        if not valid_denom(c.denom):
            raise MsgError(codes.INVALID_COINS, f"invalid denom: {c.denom!r}: invalid coins")
        try:
            amount = parse_amount(c.amount)
        except ValueError:
            raise MsgError(codes.INVALID_COINS, f"{shown}: invalid coins") from None
        if amount == 0:
            raise MsgError(codes.INVALID_COINS, f"coin {shown} amount is not positive: invalid coins")
        if c.denom in seen:
            raise MsgError(codes.INVALID_COINS, f"duplicate denomination {c.denom}: invalid coins")
        seen.add(c.denom)
        out.append((c.denom, amount))
    if not out and not allow_empty:
        raise MsgError(codes.INVALID_COINS, "empty coins: invalid coins")
    return tuple(out)


def to_proto(coins: Iterable[tuple[str, int]]) -> list[coin_pb2.Coin]:
    return [coin_pb2.Coin(denom=d, amount=str(a)) for d, a in coins]


def format_coins(coins: Iterable[tuple[str, int]]) -> str:
    """``100usei,5uatom`` (the SDK's ``Coins.String``; empty list -> ``""``)."""
    return ",".join(f"{a}{d}" for d, a in coins)


def parse_coins(text: str) -> Coins:
    """Parse ``100usei,5uatom`` (zero amounts dropped); raises ``ValueError``."""
    out: list[tuple[str, int]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = _COIN_TEXT.fullmatch(part)
        if m is None:
            raise ValueError(f"invalid coin {part!r} (expected e.g. 1000usei)")
        amount = parse_amount(m.group(1))
        if any(d == m.group(2) for d, _ in out):
            raise ValueError(f"duplicate denom {m.group(2)}")
        if amount:
            out.append((m.group(2), amount))
    return tuple(out)
