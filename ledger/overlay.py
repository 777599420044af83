"""A buffered view: reads fall through to a parent, writes stay here until ``flush``.

Used for all-or-nothing parts of a tx (messages after the ante step, EVM calls), for
end-of-block work and for genesis. ``writes()`` gives the buffered changes.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from store.api import ChangeSet, KVView, ReadView


class Overlay:
    """``KVView`` over a parent ``ReadView`` (or ``KVView``) with buffered writes."""

    __slots__ = ("parent", "_writes")

    def __init__(self, parent: ReadView) -> None:
        self.parent = parent
        self._writes: dict[str, dict[bytes, bytes | None]] = {}

    def get(self, store: str, key: bytes) -> bytes | None:
        buf = self._writes.get(store)
        if buf is not None and key in buf:
            return buf[key]
        return self.parent.get(store, key)

    def set(self, store: str, key: bytes, value: bytes) -> None:
        self._writes.setdefault(store, {})[key] = value

    def delete(self, store: str, key: bytes) -> None:
        self._writes.setdefault(store, {})[key] = None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        buf = self._writes.get(store, {})
        mine = sorted(
            (k, v) for k, v in buf.items() if (start is None or k >= start) and (end is None or k < end)
        )
        if reverse:
            mine.reverse()
        parent = ((k, v) for k, v in self.parent.iterate(store, start, end, reverse) if k not in buf)
        # Merge two sorted streams; buffered entries win (parent entries for them were skipped).
        tagged_mine = ((k, 0, v) for k, v in mine)
        tagged_parent = ((k, 1, v) for k, v in parent)
        merged = heapq.merge(tagged_mine, tagged_parent, reverse=reverse)
        for k, _, v in merged:
            if v is not None:
                yield k, v

    def apply(self, changeset: ChangeSet) -> None:
        """Buffer every write of ``changeset`` here."""
        for store, pairs in changeset.changes.items():
            self._writes.setdefault(store, {}).update(pairs)

    def writes(self) -> dict[str, dict[bytes, bytes | None]]:
        return self._writes

    def flush(self) -> None:
        """Apply the buffered writes to the parent (which must be a ``KVView``) and clear."""
        parent: KVView = self.parent  # type: ignore[assignment]
        for store, kv in self._writes.items():
            for k, v in kv.items():
                if v is None:
                    parent.delete(store, k)
                else:
                    parent.set(store, k, v)
        self._writes = {}

    def discard(self) -> None:
        self._writes = {}


class EmptyView:
    """A ``ReadView`` of an empty state (genesis starts from it)."""

    def get(self, store: str, key: bytes) -> bytes | None:
        return None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        return iter(())
