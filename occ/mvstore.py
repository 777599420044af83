"""The multiversion store: for each key, the writes of each tx index with their incarnation.

A read by tx ``i`` sees the entry of the highest index below ``i`` (or misses, meaning the
block's base state). An entry is a value, ``None`` (a delete) or ``ESTIMATE`` (the writer's
incarnation is known to be wrong; a reader must wait for it). Each index has at most one
write set: recording an index replaces its previous incarnation's entries.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping

from occ.api import StoreKey, Version


class _Estimate:
    """The marker type of ``ESTIMATE``; one instance, stable under pickling."""

    _instance: _Estimate | None = None

    def __new__(cls) -> _Estimate:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __reduce__(self) -> tuple[type[_Estimate], tuple[()]]:
        return (_Estimate, ())

    def __repr__(self) -> str:
        return "ESTIMATE"


ESTIMATE = _Estimate()

#: What an entry holds: bytes, None for a delete, or ESTIMATE.
Entry = tuple[bytes | None | _Estimate, Version]


class _Versions:
    """The entries of one key, ascending by tx index."""

    __slots__ = ("indices", "entries")

    def __init__(self) -> None:
        self.indices: list[int] = []
        self.entries: dict[int, Entry] = {}


class MVStore:
    """Multiversion writes over a block's base state. Not thread-safe; one owner."""

    def __init__(self) -> None:
        self._keys: dict[StoreKey, _Versions] = {}
        self._written: dict[int, tuple[StoreKey, ...]] = {}
        self._by_store: dict[str, set[bytes]] = {}
        self._sorted: dict[str, list[bytes]] = {}

    def read(self, sk: StoreKey, index: int) -> Entry | None:
        """The entry of the highest index below ``index`` for ``sk``; None = base."""
        versions = self._keys.get(sk)
        if versions is None:
            return None
        indices = versions.indices
        pos = bisect_left(indices, index)
        if pos == 0:
            return None
        return versions.entries[indices[pos - 1]]

    def version(self, sk: StoreKey, index: int) -> Version | object:
        """The version tx ``index`` would read now (None = base; ESTIMATE if unknown)."""
        entry = self.read(sk, index)
        if entry is None:
            return None
        return ESTIMATE if entry[0] is ESTIMATE else entry[1]

    def record(self, index: int, incarnation: int, writes: Mapping[StoreKey, bytes | None]) -> None:
        """Make ``writes`` the write set of ``index`` (replacing any earlier incarnation's)."""
        old = self._written.get(index)
        if old is not None:
            for sk in old:
                if sk not in writes:
                    self._drop(sk, index)
        version = (index, incarnation)
        for sk, value in writes.items():
            versions = self._keys.get(sk)
            if versions is None:
                versions = self._keys[sk] = _Versions()
                self._add_key(sk)
            if index not in versions.entries:
                insort(versions.indices, index)
            versions.entries[index] = (value, version)
        self._written[index] = tuple(writes)

    def mark_estimate(self, index: int) -> None:
        """Replace every entry of ``index`` by ESTIMATE (its incarnation is being redone)."""
        for sk in self._written.get(index, ()):
            versions = self._keys[sk]
            versions.entries[index] = (ESTIMATE, versions.entries[index][1])

    def remove(self, index: int) -> None:
        """Forget the write set of ``index``."""
        for sk in self._written.pop(index, ()):
            self._drop(sk, index)

    def written(self, index: int) -> tuple[StoreKey, ...]:
        return self._written.get(index, ())

    def keys_in_range(self, store: str, start: bytes | None, end: bytes | None) -> list[bytes]:
        """Sorted keys of ``store`` in ``[start, end)`` that have at least one entry."""
        keys = self._sorted.get(store)
        if keys is None:
            keys = self._sorted[store] = sorted(self._by_store.get(store, ()))
        lo = 0 if start is None else bisect_left(keys, start)
        hi = len(keys) if end is None else bisect_left(keys, end)
        return keys[lo:hi]

    def latest(self) -> dict[str, dict[bytes, bytes | None]]:
        """Every key's entry of the highest index, per store (ESTIMATE is an error)."""
        out: dict[str, dict[bytes, bytes | None]] = {}
        for (store, key), versions in self._keys.items():
            value = versions.entries[versions.indices[-1]][0]
            if value is ESTIMATE:
                raise ValueError(f"ESTIMATE left for {store}/{key.hex()}")
            out.setdefault(store, {})[key] = value  # type: ignore[assignment]
        return out

    def _add_key(self, sk: StoreKey) -> None:
        store, key = sk
        self._by_store.setdefault(store, set()).add(key)
        self._sorted.pop(store, None)

    def _drop(self, sk: StoreKey, index: int) -> None:
        versions = self._keys[sk]
        del versions.entries[index]
        versions.indices.remove(index)
        if not versions.indices:
            del self._keys[sk]
            store, key = sk
            self._by_store[store].discard(key)
            self._sorted.pop(store, None)
