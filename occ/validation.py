"""Validation of a worker's segment: which of its speculative outcomes the serial order
would have produced.

A worker runs its segment ``[s, e)`` in order over the base state plus the writes of the
segment's earlier txs: before tx ``i`` it sees state ``S(i)``, where serial execution sees
``T(i)`` (the base plus the final writes of every tx below ``i``). ``Dirty`` holds a set of
keys outside which ``S(i)`` and ``T(i)`` agree. At ``i = s`` that is every key written in the
block so far. Then, in block order:

- the outcome of tx ``i`` is valid when it read no dirty key and iterated no range holding
  one: it saw exactly what serial execution shows it, so (the runner being a pure function
  of its reads) it computed the same output and writes. Both states then take the same
  writes, so the written keys leave the dirty set;
- else the coordinator re-executes tx ``i`` over ``T(i)``, and the keys of both write sets
  (the worker's and the re-execution's) become dirty.

Versions are not needed: a key's presence in the set is the whole test, one C-level set
intersection per tx.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable

from occ.api import Outcome, StoreKey


class Dirty:
    """The keys on which a segment's speculative state may differ from the final one."""

    __slots__ = ("_keys", "_sorted")

    def __init__(self, keys: Iterable[StoreKey]) -> None:
        self._keys = set(keys)
        self._sorted: dict[str, list[bytes]] | None = None  # per store, built for range checks

    def conflict(self, outcome: Outcome) -> StoreKey | None:
        """The first key that makes ``outcome`` invalid, else None."""
        keys = self._keys
        if not keys.isdisjoint(outcome.reads):
            return next(sk for sk in outcome.reads if sk in keys)
        for store, start, end in outcome.ranges:
            key = self._first_in_range(store, start, end)
            if key is not None:
                return (store, key)
        return None

    def settle(self, keys: Iterable[StoreKey]) -> None:
        """A valid tx wrote ``keys``: both states now hold the same values there."""
        if self._sorted is None:
            self._keys.difference_update(keys)
            return
        for sk in keys:
            if sk in self._keys:
                self._keys.discard(sk)
                ordered = self._sorted[sk[0]]
                del ordered[bisect_left(ordered, sk[1])]

    def taint(self, keys: Iterable[StoreKey]) -> None:
        """A re-executed tx: ``keys`` (both its write sets) may now differ."""
        if self._sorted is None:
            self._keys.update(keys)
            return
        for sk in keys:
            if sk not in self._keys:
                self._keys.add(sk)
                insort(self._sorted.setdefault(sk[0], []), sk[1])

    def _first_in_range(self, store: str, start: bytes | None, end: bytes | None) -> bytes | None:
        if self._sorted is None:
            ordered: dict[str, list[bytes]] = {}
            for s, key in self._keys:
                ordered.setdefault(s, []).append(key)
            for keys in ordered.values():
                keys.sort()
            self._sorted = ordered
        keys = self._sorted.get(store, [])
        pos = 0 if start is None else bisect_left(keys, start)
        if pos < len(keys) and (end is None or keys[pos] < end):
            return keys[pos]
        return None
