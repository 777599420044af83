"""Test oracles shared by the unit suites: a dict-backed ``KVView`` and a test key."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from coincurve import PrivateKey

from ledger.addresses import VALOPER_PREFIX, sei_address_from_pubkey, to_bech32


class DictView:
    """The oracle ``KVView``: a dict per store, sorted on iteration."""

    def __init__(self) -> None:
        self.data: dict[str, dict[bytes, bytes]] = {}

    def get(self, store: str, key: bytes) -> bytes | None:
        return self.data.get(store, {}).get(key)

    def set(self, store: str, key: bytes, value: bytes) -> None:
        self.data.setdefault(store, {})[key] = value

    def delete(self, store: str, key: bytes) -> None:
        self.data.get(store, {}).pop(key, None)

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        items = sorted(
            (k, v)
            for k, v in self.data.get(store, {}).items()
            if (start is None or k >= start) and (end is None or k < end)
        )
        return iter(reversed(items) if reverse else items)

    def snapshot(self) -> dict[str, dict[bytes, bytes]]:
        return {s: dict(kv) for s, kv in self.data.items() if kv}


@dataclass(frozen=True)
class Key:
    """A secp256k1 test key and its addresses."""

    priv: bytes

    @property
    def pubkey(self) -> bytes:
        return PrivateKey(self.priv).public_key.format(compressed=True)

    @property
    def address(self) -> bytes:
        return sei_address_from_pubkey(self.pubkey)

    @property
    def bech32(self) -> str:
        return to_bech32(self.address)

    @property
    def valoper(self) -> str:
        return to_bech32(self.address, VALOPER_PREFIX)

    @property
    def cons_pubkey(self) -> bytes:
        """A stand-in ed25519 consensus key (32 bytes) derived from the account key."""
        return hashlib.sha256(b"ed25519" + self.priv).digest()
