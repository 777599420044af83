"""The multiversion store: for each key, the writes of each tx index with their incarnation.

A read by tx ``i`` sees the entry of the highest index below ``i`` (or misses, meaning the
block's base state). An entry is a value, ``None`` (a delete) or ``ESTIMATE`` (the writer's
incarnation is known to be wrong; a reader must wait for it). Each index has at most one
write set: recording an index replaces its previous incarnation's entries.

Writes usually arrive in block order and readers usually sit above every writer, so each
key keeps its highest entry apart (one dict lookup per read) and lower entries in a list.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Mapping

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

#: An entry: (bytes | None for a delete | ESTIMATE, (writer index, incarnation)).
Entry = tuple[bytes | None | _Estimate, tuple[int, int]]


class MVStore:
    """Multiversion writes over a block's base state. Not thread-safe; one owner."""

    def __init__(self) -> None:
        self._top: dict[StoreKey, Entry] = {}  # each key's entry of the highest index
        self._lower: dict[StoreKey, list[tuple[int, Entry]]] = {}  # the others, ascending
        self._written: dict[int, Mapping[StoreKey, object]] = {}
        self._sorted: dict[str, list[bytes]] = {}  # per store, kept once a range was asked

    @property
    def tops(self) -> Mapping[StoreKey, Entry]:
        """Each key's entry of the highest index: a reader above that index and not facing
        an ESTIMATE may use it directly (``TrackedView``'s fast path)."""
        return self._top

    def read(self, sk: StoreKey, index: int) -> Entry | None:
        """The entry of the highest index below ``index`` for ``sk``; None = base."""
        entry = self._top.get(sk)
        if entry is None or entry[1][0] < index:
            return entry
        lower = self._lower.get(sk)
        if not lower:
            return None
        pos = bisect_left(lower, index, key=_index)
        return lower[pos - 1][1] if pos else None

    def version(self, sk: StoreKey, index: int) -> Version | _Estimate:
        """The version tx ``index`` would read now (None = base; ESTIMATE if unknown)."""
        entry = self.read(sk, index)
        if entry is None:
            return None
        return ESTIMATE if entry[0] is ESTIMATE else entry[1]

    def stale_read(self, reads: Mapping[StoreKey, Version], index: int) -> StoreKey | None:
        """The first of ``reads`` (key -> version seen) that tx ``index`` would now see
        differently, else None."""
        top = self._top
        for sk, seen in reads.items():
            entry = top.get(sk)
            if entry is None:
                if seen is not None:
                    return sk
            elif entry[1][0] < index and entry[0] is not ESTIMATE:
                if entry[1] != seen:
                    return sk
            elif self.version(sk, index) != seen:
                return sk
        return None

    def record(self, index: int, incarnation: int, writes: Mapping[StoreKey, bytes | None]) -> None:
        """Make ``writes`` the write set of ``index`` (replacing any earlier incarnation's).
        ``writes`` is kept, not copied: the caller must not change it afterwards."""
        if index in self._written:
            self.remove(index)
        version = (index, incarnation)
        top, lower, ordered = self._top, self._lower, self._sorted
        for sk, value in writes.items():
            old = top.get(sk)
            if old is None:
                top[sk] = (value, version)
                if ordered and sk[0] in ordered:
                    insort(ordered[sk[0]], sk[1])
            elif old[1][0] < index:
                top[sk] = (value, version)
                older = lower.get(sk)
                if older is None:
                    lower[sk] = [(old[1][0], old)]
                else:
                    older.append((old[1][0], old))
            else:
                insort(lower.setdefault(sk, []), (index, (value, version)), key=_index)
        self._written[index] = writes

    def mark_estimate(self, index: int) -> None:
        """Replace every entry of ``index`` by ESTIMATE (its incarnation is being redone)."""
        for sk in self._written.get(index, ()):
            self._replace(sk, index, lambda entry: (ESTIMATE, entry[1]))

    def remove(self, index: int) -> None:
        """Forget the write set of ``index``."""
        for sk in self._written.pop(index, ()):
            self._replace(sk, index, None)

    def keys_in_range(self, store: str, start: bytes | None, end: bytes | None) -> list[bytes]:
        """Sorted keys of ``store`` in ``[start, end)`` that have at least one entry."""
        keys = self._sorted.get(store)
        if keys is None:
            keys = self._sorted[store] = sorted(key for s, key in self._top if s == store)
        lo = 0 if start is None else bisect_left(keys, start)
        hi = len(keys) if end is None else bisect_left(keys, end)
        return keys[lo:hi]

    def latest(self) -> dict[str, dict[bytes, bytes | None]]:
        """Every key's entry of the highest index, per store (ESTIMATE is an error)."""
        out: dict[str, dict[bytes, bytes | None]] = {}
        for (store, key), (value, _) in self._top.items():
            if value is ESTIMATE:
                raise ValueError(f"ESTIMATE left for {store}/{key.hex()}")
            out.setdefault(store, {})[key] = value  # type: ignore[assignment]
        return out

    def _drop_key(self, sk: StoreKey) -> None:
        keys = self._sorted.get(sk[0])
        if keys is not None:
            del keys[bisect_left(keys, sk[1])]

    def _replace(self, sk: StoreKey, index: int, change: Callable[[Entry], Entry] | None) -> None:
        """Apply ``change`` (entry -> entry, or None to delete) to the entry of ``index``."""
        top, lower = self._top[sk], self._lower.get(sk)
        if top[1][0] == index:
            if change is not None:
                self._top[sk] = change(top)
            elif lower:
                self._top[sk] = lower.pop()[1]
            else:
                del self._top[sk]
                self._drop_key(sk)
            return
        assert lower is not None
        pos = bisect_left(lower, index, key=_index)
        if change is None:
            del lower[pos]
        else:
            lower[pos] = (index, change(lower[pos][1]))


def _index(item: tuple[int, Entry]) -> int:
    return item[0]
