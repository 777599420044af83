"""``Overlay``: a ``KVView`` that buffers writes over a parent view, in one layout.

The layout is one flat dict, ``(store, key) -> value | None`` (``None`` deletes): one
lookup per read. Every buffered view of the project is an ``Overlay``: the all-or-nothing
parts of a tx, end-of-block work and genesis (``flush`` or ``changeset`` the writes), the
serial executor and the OCC coordinator (an overlay writing into the block's dict of final
writes), and OCC's ``TxView``, an overlay that also records what it read.

``iterate`` snapshots the buffered writes when called: writes made while iterating are not
seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter

from store.api import ChangeSet, KVView, ReadView, StoreKey, Writes

_first = itemgetter(0)
#: Marks a key absent from a layer of writes (``None`` is a delete).
MISSING = object()

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
    """The entries of one layer of writes inside a range, in iteration order."""
    items = [(k, v) for (s, k), v in writes.items() if s == store and inside(k, start, end)]
    items.sort(key=_first, reverse=reverse)
    return items


def by_store(writes: Writes) -> dict[str, dict[bytes, bytes | None]]:
    """The writes grouped by store, in write order (what ``ChangeSet.from_writes`` takes)."""
    grouped: dict[str, dict[bytes, bytes | None]] = {}
    for (store, key), value in writes.items():
        kv = grouped.get(store)
        if kv is None:
            kv = grouped[store] = {}
        kv[key] = value
    return grouped


def changeset_of(writes: Writes) -> ChangeSet:
    """Every key written, with its last value (None = delete), in canonical order."""
    return ChangeSet.from_writes(by_store(writes))


class Overlay:
    """A ``KVView`` over ``parent`` (a ``ReadView``, or a ``KVView`` to ``flush`` into) whose
    writes go to ``layer``: a dict of its own, or one the caller owns and passes in."""

    __slots__ = ("parent", "layer")

    def __init__(self, parent: ReadView, layer: Writes | None = None) -> None:
        self.parent = parent
        self.layer: Writes = {} if layer is None else layer

    def get(self, store: str, key: bytes) -> bytes | None:
        value = self.layer.get((store, key), MISSING)
        if value is MISSING:
            return self.parent.get(store, key)
        return value  # type: ignore[return-value]

    def set(self, store: str, key: bytes, value: bytes) -> None:
        self.layer[(store, key)] = value

    def delete(self, store: str, key: bytes) -> None:
        self.layer[(store, key)] = None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        own = layer_range(self.layer, store, start, end, reverse)
        return merge_layers(self.parent.iterate(store, start, end, reverse), own, reverse)  # type: ignore[arg-type, return-value]

    def apply(self, changeset: ChangeSet) -> None:
        """Buffer every write of ``changeset`` here."""
        layer = self.layer
        for store, pairs in changeset.changes.items():
            for key, value in pairs:
                layer[(store, key)] = value

    def writes(self) -> dict[str, dict[bytes, bytes | None]]:
        """The buffered writes grouped by store (a copy)."""
        return by_store(self.layer)

    def changeset(self) -> ChangeSet:
        """The buffered writes as a ``ChangeSet``."""
        return changeset_of(self.layer)

    def flush(self) -> None:
        """Apply the buffered writes to the parent (which must be a ``KVView``) and clear."""
        parent: KVView = self.parent  # type: ignore[assignment]
        for (store, key), value in self.layer.items():
            if value is None:
                parent.delete(store, key)
            else:
                parent.set(store, key, value)
        self.layer.clear()

    def discard(self) -> None:
        self.layer.clear()


class EmptyView:
    """A ``ReadView`` of an empty state (genesis starts from it)."""

    def get(self, store: str, key: bytes) -> bytes | None:
        return None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        return iter(())
