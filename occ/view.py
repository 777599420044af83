"""Views a task runs against: ``TrackedView`` (one OCC incarnation) and ``OverlayView``
(serial execution), plus the ordered merge of layered key ranges both use.

Both views read the tx's own writes first, then earlier txs' writes, then the base state.
``iterate`` snapshots the layers when called: writes made while iterating are not seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any, TypeVar

from occ.api import Outcome, RangeRead, StoreKey, Version, Writes
from occ.mvstore import ESTIMATE, MVStore
from store.api import ReadView

T = TypeVar("T")
_first = itemgetter(0)
_MISSING = object()


class Dependency(BaseException):  # noqa: N818 - a control signal, not an error
    """Raised inside a runner that read an ESTIMATE. A ``BaseException`` so that a runner's
    ``except Exception`` cannot swallow it."""

    def __init__(self, sk: StoreKey) -> None:
        super().__init__(sk)
        self.sk = sk


def inside(key: bytes, start: bytes | None, end: bytes | None) -> bool:
    return (start is None or key >= start) and (end is None or key < end)


def merge_layers(
    lower: Iterator[tuple[bytes, Any, T]], upper: Sequence[tuple[bytes, Any, T]], reverse: bool
) -> Iterator[tuple[bytes, Any, T]]:
    """Merge two key-ordered streams of ``(key, value, tag)``; ``upper`` wins on equal keys
    and a ``None`` value hides the key. Pulls ``lower`` lazily."""
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


def underlying(
    base: ReadView, mv: MVStore, index: int, store: str, start: bytes | None, end: bytes | None, reverse: bool
) -> Iterator[tuple[bytes, Any, Version]]:
    """What tx ``index`` iterates below its own writes: base merged with earlier txs' writes."""
    overlay = []
    for key in mv.keys_in_range(store, start, end):
        entry = mv.read((store, key), index)
        if entry is not None:
            overlay.append((key, entry[0], entry[1]))
    if reverse:
        overlay.reverse()
    base_items = ((k, v, None) for k, v in base.iterate(store, start, end, reverse))
    return merge_layers(base_items, overlay, reverse)


class _RangeRecorder:
    """Records the items a range iteration pulled from the layers below the tx's writes."""

    def __init__(self, store: str, start: bytes | None, end: bytes | None, reverse: bool) -> None:
        self.bounds = (store, start, end, reverse)
        self.items: list[tuple[bytes, Version]] = []
        self.exhausted = False

    def wrap(self, items: Iterator[tuple[bytes, Any, Version]]) -> Iterator[tuple[bytes, Any, Version]]:
        for item in items:
            if item[1] is ESTIMATE:
                raise Dependency((self.bounds[0], item[0]))
            self.items.append((item[0], item[2]))
            yield item
        self.exhausted = True

    def freeze(self) -> RangeRead:
        store, start, end, reverse = self.bounds
        return (store, start, end, reverse, tuple(self.items), self.exhausted)


class TrackedView:
    """The ``KVView`` of one incarnation of tx ``index``: own writes, then entries of lower
    indices in ``mv``, then ``base``. Records the read set, the iterated ranges and the
    write set; reading an ESTIMATE raises ``Dependency``."""

    __slots__ = ("index", "_base", "_mv", "_tops", "writes", "reads", "_ranges")

    def __init__(self, index: int, base: ReadView, mv: MVStore) -> None:
        self.index = index
        self._base = base
        self._mv = mv
        self._tops = mv.tops
        self.writes: Writes = {}
        self.reads: dict[StoreKey, Version] = {}
        self._ranges: list[_RangeRecorder] = []

    def get(self, store: str, key: bytes) -> bytes | None:
        sk = (store, key)
        value = self.writes.get(sk, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[return-value]
        entry = self._tops.get(sk)
        if entry is not None and (entry[1][0] >= self.index or entry[0] is ESTIMATE):
            entry = self._mv.read(sk, self.index)  # not the fast path: ask the store
        if entry is None:
            value, version = self._base.get(store, key), None
        else:
            value, version = entry
            if value is ESTIMATE:
                raise Dependency(sk)
        self.reads.setdefault(sk, version)
        return value  # type: ignore[return-value]

    def set(self, store: str, key: bytes, value: bytes) -> None:
        self.writes[(store, key)] = value

    def delete(self, store: str, key: bytes) -> None:
        self.writes[(store, key)] = None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        own = sorted(
            ((k, v, None) for (s, k), v in self.writes.items() if s == store and inside(k, start, end)),
            key=_first,
            reverse=reverse,
        )
        recorder = _RangeRecorder(store, start, end, reverse)
        self._ranges.append(recorder)
        lower = recorder.wrap(underlying(self._base, self._mv, self.index, store, start, end, reverse))
        return ((k, v) for k, v, _ in merge_layers(lower, own, reverse))

    def outcome(
        self, incarnation: int, output: Any, error: BaseException | None, blocked_on: StoreKey | None = None
    ) -> Outcome:
        ranges = tuple(r.freeze() for r in self._ranges) if self._ranges else ()
        return Outcome(self.index, incarnation, output, error, self.reads, ranges, self.writes, blocked_on)


class OverlayView:
    """The serial executor's ``KVView``: one dict of the block's writes over ``base``."""

    __slots__ = ("_base", "writes")

    def __init__(self, base: ReadView, writes: Writes) -> None:
        self._base = base
        self.writes = writes

    def get(self, store: str, key: bytes) -> bytes | None:
        sk = (store, key)
        if sk in self.writes:
            return self.writes[sk]
        return self._base.get(store, key)

    def set(self, store: str, key: bytes, value: bytes) -> None:
        self.writes[(store, key)] = value

    def delete(self, store: str, key: bytes) -> None:
        self.writes[(store, key)] = None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        own = sorted(
            ((k, v, None) for (s, k), v in self.writes.items() if s == store and inside(k, start, end)),
            key=_first,
            reverse=reverse,
        )
        lower = ((k, v, None) for k, v in self._base.iterate(store, start, end, reverse))
        return ((k, v) for k, v, _ in merge_layers(lower, own, reverse))
