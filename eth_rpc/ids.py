"""Identifiers the JSON-RPC hands out (filters, subscriptions)."""

from __future__ import annotations

import secrets

ID_BITS = 128


def new_id() -> str:
    """A random 128-bit id as a JSON-RPC quantity: ``0x`` and 32 hex digits, never a leading
    zero (the spec's quantity pattern forbids one, and strict clients check it)."""
    return hex(secrets.randbits(ID_BITS - 1) | 1 << (ID_BITS - 1))
