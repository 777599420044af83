"""``RocksView``: the hot-path ``ReadView`` over a ``RocksStateStore`` at one version.

It keeps its own iterator (created on first use, by the thread that made the view) and
the version suffix precomputed, so a get is: build the key head, a lookup in the store's
``LatestValues`` (``store.ss.latest_values``), else one seek and one compare. Other threads
fall back to the store's own reads (its per-thread iterators).
"""

from __future__ import annotations

from collections.abc import Iterator
from threading import get_ident

from rocksdict import RdictIter

from store.api import StateStore
from store.ss.keys import decode_value, head, store_prefix, version_suffix
from store.ss.latest_values import LatestValues


class RocksView:
    """Reads ``ss`` (the RocksDB store ``it`` iterates) at ``version``; ``latest`` is the
    store's ``LatestValues`` (None: a secondary, without one)."""

    __slots__ = ("ss", "version", "_suffix", "_owner", "_it", "_prefixes", "_latest", "_entries")

    def __init__(self, ss: StateStore, version: int, it: RdictIter, latest: LatestValues | None = None) -> None:
        self.ss = ss
        self.version = version
        self._suffix = version_suffix(version)
        self._owner = get_ident()
        self._it = it
        self._prefixes: dict[str, bytes] = {}
        self._latest = latest
        self._entries = latest.entries if latest is not None else {}

    def get(self, store: str, key: bytes) -> bytes | None:
        if get_ident() != self._owner:
            return self.ss.get(store, key, self.version)
        p = self._prefixes.get(store)
        if p is None:
            p = self._prefixes[store] = store_prefix(store)
        h = head(p, key)
        hit = self._entries.get(h)
        if hit is not None and hit[1] <= self.version:
            return hit[0]
        latest = self._latest
        if latest is not None:
            generation, fresh = latest.generation, self.version == self.ss.latest_version()
        it = self._it
        it.seek(h + self._suffix)
        if not it.valid() or not it.key().startswith(h):  # heads are prefix-free
            value = None
        else:
            value = decode_value(it.value())
        if latest is not None and fresh:
            latest.offer(h, value, self.version, generation)
        return value

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        return self.ss.iterate(store, start, end, self.version, reverse)
