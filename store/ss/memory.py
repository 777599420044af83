"""``MemoryStateStore``: a dict-backed SS with the same semantics as the RocksDB one.

It is the second implementation the SS conformance suite runs against, and a fast store
for tests of code above the store.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterator

from store.api import ChangeSet


class MemoryStateStore:
    """Per (store, key): ascending versions and their values (None = tombstone)."""

    def __init__(self) -> None:
        self._data: dict[str, dict[bytes, tuple[list[int], list[bytes | None]]]] = {}
        self._latest = 0
        self._earliest = 0
        self._lock = threading.Lock()

    def latest_version(self) -> int:
        return self._latest

    def earliest_version(self) -> int:
        return self._earliest

    def get(self, store: str, key: bytes, version: int) -> bytes | None:
        hist = self._data.get(store, {}).get(key)
        if hist is None:
            return None
        versions, values = hist
        i = bisect.bisect_right(versions, version)
        return values[i - 1] if i else None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, version: int, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        with self._lock:
            keys = sorted(
                k for k in self._data.get(store, {})
                if (start is None or k >= start) and (end is None or k < end)
            )
        out = []
        for k in keys:
            v = self.get(store, k, version)
            if v is not None:
                out.append((k, v))
        if reverse:
            out.reverse()
        return iter(out)

    def apply(self, version: int, changeset: ChangeSet) -> None:
        if version <= self._latest:
            raise ValueError(f"version {version} <= latest {self._latest}")
        with self._lock:
            for store, pairs in changeset.changes.items():
                table = self._data.setdefault(store, {})
                for key, value in pairs:
                    versions, values = table.setdefault(key, ([], []))
                    versions.append(version)
                    values.append(value)
            self._latest = version
            if self._earliest == 0:
                self._earliest = version

    def import_version(self, version: int, items: Iterator[tuple[str, bytes, bytes]]) -> None:
        """Write a whole state as ``version`` (state sync, SS rebuild)."""
        writes: dict[str, dict[bytes, bytes | None]] = {}
        for store, key, value in items:
            writes.setdefault(store, {})[key] = value
        self.apply(version, ChangeSet.from_writes(writes))

    def prune(self, keep_recent: int) -> None:
        if keep_recent <= 0:
            return
        cut = self._latest - keep_recent
        if cut < self._earliest:
            return
        with self._lock:
            self._earliest = cut + 1
            for table in self._data.values():
                for key in list(table):
                    versions, values = table[key]
                    i = bisect.bisect_right(versions, cut)  # versions[:i] are <= cut
                    if i == 0:
                        continue
                    keep_from = i - 1 if values[i - 1] is not None else i
                    del versions[:keep_from], values[:keep_from]
                    if not versions:
                        del table[key]

    def close(self) -> None:
        pass
