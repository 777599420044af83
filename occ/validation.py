"""Validation: is an incarnation's outcome still what the tx would compute now?

An outcome of tx ``i`` is valid when every key it read has the same version as tx ``i``
would read now in the multiversion store, and every range it iterated replays to the same
items (keys and versions) as far as it went. Versions identify values: one incarnation of a
tx writes one value per key, so equal versions mean equal values.
"""

from __future__ import annotations

from occ.api import Outcome, RangeRead, StoreKey
from occ.mvstore import ESTIMATE, MVStore
from occ.view import underlying
from store.api import ReadView


def first_conflict(outcome: Outcome, mv: MVStore, base: ReadView) -> StoreKey | None:
    """The first key on which ``outcome`` disagrees with ``mv`` (None: it is valid)."""
    if outcome.blocked_on is not None:
        return outcome.blocked_on
    sk = mv.stale_read(outcome.reads, outcome.index)
    if sk is not None:
        return sk
    for read in outcome.ranges:
        sk = range_conflict(read, outcome.index, mv, base)
        if sk is not None:
            return sk
    return None


def range_conflict(read: RangeRead, index: int, mv: MVStore, base: ReadView) -> StoreKey | None:
    """Replay one iterated range for tx ``index``; the first key that differs, else None."""
    store, start, end, reverse, items, exhausted = read
    replay = underlying(base, mv, index, store, start, end, reverse)
    for key, version in items:
        now = next(replay, None)
        if now is None:
            return (store, key)
        if now[0] != key or now[2] != version or now[1] is ESTIMATE:
            return (store, min(key, now[0]) if not reverse else max(key, now[0]))
    if exhausted:
        extra = next(replay, None)
        if extra is not None:
            return (store, extra[0])
    return None
