"""In-memory state for tests, benchmarks and tools: ``MemoryView`` (a ``ReadView`` over
dicts) and ``MemoryOpener`` (a picklable ``StateOpener`` carrying whole versions, so it is
shipped once per worker when the pool starts)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

#: One version of the state: store name -> key -> value.
Snapshot = Mapping[str, Mapping[bytes, bytes]]


class MemoryView:
    """A ``ReadView`` of one snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._data = {store: dict(kv) for store, kv in snapshot.items()}
        self._sorted = {store: sorted(kv) for store, kv in self._data.items()}

    def get(self, store: str, key: bytes) -> bytes | None:
        kv = self._data.get(store)
        return None if kv is None else kv.get(key)

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        keys = self._sorted.get(store, [])
        lo = 0 if start is None else bisect_left(keys, start)
        hi = len(keys) if end is None else bisect_left(keys, end)
        chosen = keys[lo:hi]
        if reverse:
            chosen.reverse()
        kv = self._data[store] if chosen else {}
        return ((k, kv[k]) for k in chosen)


class MemoryReader:
    """A ``VersionedReader`` over in-memory versions."""

    def __init__(self, versions: Mapping[int, Snapshot]) -> None:
        self._versions = versions
        self._views: dict[int, MemoryView] = {}

    def view(self, version: int) -> MemoryView:
        if version not in self._views:
            self._views[version] = MemoryView(self._versions[version])
        return self._views[version]

    def close(self) -> None:
        self._views.clear()


@dataclass(frozen=True)
class MemoryOpener:
    """A ``StateOpener`` carrying its versions (version -> snapshot)."""

    versions: Mapping[int, Snapshot] = field(default_factory=dict)

    def open(self) -> MemoryReader:
        return MemoryReader(self.versions)
