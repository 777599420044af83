"""Views a task runs against: ``OverlayView`` (one layer of writes over the base state: the
serial executor and the coordinator's own segment) and ``TxView`` (a tx's own writes apart
from the writes below it, optionally recording what the tx read: a worker's speculation,
and the coordinator's re-executions).

``iterate`` snapshots the layers when called: writes made while iterating are not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any

from occ.api import Outcome, RangeRead, StoreKey, Writes, as_outcome
from store.api import ReadView

_first = itemgetter(0)
_MISSING = object()

Item = tuple[bytes, bytes | None]


def inside(key: bytes, start: bytes | None, end: bytes | None) -> bool:
    return (start is None or key >= start) and (end is None or key < end)


def merge_layers(lower: Iterator[Item], upper: Sequence[Item], reverse: bool) -> Iterator[Item]:
    """Merge two key-ordered streams of ``(key, value)``; ``upper`` wins on equal keys and a
    ``None`` value hides the key. Pulls ``lower`` lazily."""
    pos, n = 0, len(upper)
    for item in lower:
        key = item[0]
        while pos < n and (upper[pos][0] > key if reverse else upper[pos][0] < key):
            top = upper[pos]
            pos += 1
            if top[1] is not None:
                yield top
        if pos < n and upper[pos][0] == key:
            item = upper[pos]
            pos += 1
        if item[1] is not None:
            yield item
    for top in upper[pos:]:
        if top[1] is not None:
            yield top


def layer_range(
    writes: Mapping[StoreKey, bytes | None], store: str, start: bytes | None, end: bytes | None, reverse: bool
) -> list[Item]:
    """The entries of one write layer inside a range, in iteration order."""
    items = [(k, v) for (s, k), v in writes.items() if s == store and inside(k, start, end)]
    items.sort(key=_first, reverse=reverse)
    return items


class OverlayView:
    """A ``KVView`` writing into one dict of writes over ``base``: the serial executor's
    view of the whole block, and the coordinator's for its own segment."""

    __slots__ = ("_base", "writes")

    def __init__(self, base: ReadView, writes: Writes) -> None:
        self._base = base
        self.writes = writes

    def get(self, store: str, key: bytes) -> bytes | None:
        value = self.writes.get((store, key), _MISSING)
        if value is _MISSING:
            return self._base.get(store, key)
        return value  # type: ignore[return-value]

    def set(self, store: str, key: bytes, value: bytes) -> None:
        self.writes[(store, key)] = value

    def delete(self, store: str, key: bytes) -> None:
        self.writes[(store, key)] = None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[Item]:
        own = layer_range(self.writes, store, start, end, reverse)
        return merge_layers(self._base.iterate(store, start, end, reverse), own, reverse)  # type: ignore[return-value]


class TxView:
    """The ``KVView`` of one tx: its own writes, then ``below`` (earlier txs' writes), then
    ``base``. Keeps the tx's writes apart, and records every key read from below its own
    writes and every range iterated (what validation checks)."""

    __slots__ = ("index", "_base", "_below", "writes", "reads", "ranges")

    def __init__(self, index: int, base: ReadView, below: Writes) -> None:
        self.index = index
        self._base = base
        self._below = below
        self.writes: Writes = {}
        self.reads: dict[StoreKey, None] = {}
        self.ranges: tuple[RangeRead, ...] = ()

    def get(self, store: str, key: bytes) -> bytes | None:
        sk = (store, key)
        value = self.writes.get(sk, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[return-value]
        self.reads[sk] = None
        value = self._below.get(sk, _MISSING)
        if value is _MISSING:
            return self._base.get(store, key)
        return value  # type: ignore[return-value]

    def set(self, store: str, key: bytes, value: bytes) -> None:
        self.writes[(store, key)] = value

    def delete(self, store: str, key: bytes) -> None:
        self.writes[(store, key)] = None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[Item]:
        self.ranges += ((store, start, end),)
        below = merge_layers(
            self._base.iterate(store, start, end, reverse),  # type: ignore[arg-type]
            layer_range(self._below, store, start, end, reverse),
            reverse,
        )
        return merge_layers(below, layer_range(self.writes, store, start, end, reverse), reverse)  # type: ignore[return-value]

    def fields(self, output: object, error: BaseException | None) -> tuple[Any, ...]:
        """The tx's ``Outcome`` as a plain tuple (what a worker ships)."""
        writes = {} if error is not None else self.writes
        return (self.index, output, error, tuple(self.reads), self.ranges, writes)

    def outcome(self, output: object, error: BaseException | None) -> Outcome:
        return as_outcome(self.fields(output, error))
