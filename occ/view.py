"""``TxView``: the ``store.overlay.Overlay`` one tx runs against when OCC must know what it
read -- a worker's speculation and the coordinator's re-executions. (The serial executor and
the coordinator's own segment use a plain ``Overlay`` writing into the block's writes.)

``iterate`` snapshots the layers when called: writes made while iterating are not seen.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from occ.api import Outcome, RangeRead, StoreKey, Writes, as_outcome
from store.api import ReadView
from store.overlay import MISSING, Item, Overlay, layer_range, merge_layers


class TxView(Overlay):
    """The tx's own writes (``layer``), then ``below`` (earlier txs' writes), then
    ``parent`` (the base state). Keeps the tx's writes apart, and records every key read
    from below its own writes and every range iterated (what validation checks)."""

    __slots__ = ("index", "below", "reads", "ranges")

    def __init__(self, index: int, base: ReadView, below: Writes) -> None:
        self.parent = base
        self.layer: Writes = {}
        self.index = index
        self.below = below
        self.reads: dict[StoreKey, None] = {}
        self.ranges: tuple[RangeRead, ...] = ()

    def get(self, store: str, key: bytes) -> bytes | None:
        sk = (store, key)
        value = self.layer.get(sk, MISSING)
        if value is not MISSING:
            return value  # type: ignore[return-value]
        self.reads[sk] = None
        value = self.below.get(sk, MISSING)
        if value is MISSING:
            return self.parent.get(store, key)
        return value  # type: ignore[return-value]

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[Item]:  # type: ignore[override]
        self.ranges += ((store, start, end),)
        below = merge_layers(
            self.parent.iterate(store, start, end, reverse),  # type: ignore[arg-type]
            layer_range(self.below, store, start, end, reverse),
            reverse,
        )
        return merge_layers(below, layer_range(self.layer, store, start, end, reverse), reverse)

    def fields(self, output: object, error: BaseException | None) -> tuple[Any, ...]:
        """The tx's ``Outcome`` as a plain tuple (what a worker ships)."""
        writes = {} if error is not None else self.layer
        return (self.index, output, error, tuple(self.reads), self.ranges, writes)

    def outcome(self, output: object, error: BaseException | None) -> Outcome:
        return as_outcome(self.fields(output, error))
