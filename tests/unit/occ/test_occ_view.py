"""``occ.view``: layered reads, read-set recording and iteration merge in both directions."""

from __future__ import annotations

import random

import pytest

from occ.memory import MemoryView
from occ.mvstore import MVStore
from occ.view import Dependency, OverlayView, TrackedView

BASE = MemoryView({"bank": {b"a": b"base-a", b"c": b"base-c", b"e": b"base-e"}})


def test_reads_own_writes_then_lower_txs_then_base_and_records_versions() -> None:
    mv = MVStore()
    mv.record(1, 0, {("bank", b"a"): b"tx1-a"})
    mv.record(5, 0, {("bank", b"c"): b"tx5-c"})
    view = TrackedView(3, BASE, mv)
    assert view.get("bank", b"a") == b"tx1-a"
    assert view.get("bank", b"c") == b"base-c"  # tx 5 is above tx 3
    assert view.get("bank", b"zz") is None
    view.set("bank", b"zz", b"mine")
    assert view.get("bank", b"zz") == b"mine"
    assert view.reads == {("bank", b"a"): (1, 0), ("bank", b"c"): None, ("bank", b"zz"): None}
    assert view.writes == {("bank", b"zz"): b"mine"}


def test_reading_an_estimate_raises_dependency() -> None:
    mv = MVStore()
    mv.record(1, 0, {("bank", b"a"): b"x"})
    mv.mark_estimate(1)
    with pytest.raises(Dependency):
        TrackedView(2, BASE, mv).get("bank", b"a")
    with pytest.raises(Dependency):
        list(TrackedView(2, BASE, mv).iterate("bank", None, None))


def test_iteration_merges_base_lower_txs_and_own_writes_both_ways() -> None:
    mv = MVStore()
    mv.record(0, 0, {("bank", b"b"): b"tx0-b", ("bank", b"c"): None})
    mv.record(2, 0, {("bank", b"d"): b"tx2-d"})  # not visible to tx 1
    view = TrackedView(1, BASE, mv)
    view.set("bank", b"e", b"own-e")
    view.delete("bank", b"a")
    view.set("bank", b"f", b"own-f")
    want = [(b"b", b"tx0-b"), (b"e", b"own-e"), (b"f", b"own-f")]
    assert list(view.iterate("bank", None, None)) == want
    assert list(view.iterate("bank", None, None, reverse=True)) == want[::-1]
    assert list(view.iterate("bank", b"b", b"f")) == want[:2]


def test_iteration_records_what_it_pulled_and_whether_it_finished() -> None:
    mv = MVStore()
    mv.record(0, 0, {("bank", b"b"): b"tx0-b"})
    view = TrackedView(1, BASE, mv)
    it = view.iterate("bank", None, None)
    next(it)
    list(view.iterate("bank", b"c", None, reverse=True))
    partial, full = view.outcome(0, None, None).ranges
    assert partial == ("bank", None, None, False, ((b"a", None),), False)
    assert full == ("bank", b"c", None, True, ((b"e", None), (b"c", None)), True)


def test_iterate_snapshots_the_view_when_called() -> None:
    view = OverlayView(BASE, {})
    it = view.iterate("bank", None, None)
    view.set("bank", b"b", b"later")
    assert [k for k, _ in it] == [b"a", b"c", b"e"]


def test_random_iterations_match_a_sorted_dict() -> None:
    rng = random.Random(7)
    keys = [bytes([k]) for k in range(8)]
    for _ in range(300):
        base = {k: b"base" for k in keys if rng.random() < 0.5}
        mv = MVStore()
        truth = dict(base)
        for index in range(3):
            writes = {("s", k): rng.choice([b"w%d" % index, None]) for k in rng.sample(keys, 3)}
            mv.record(index, 0, writes)
            for (_, k), v in writes.items():
                truth[k] = v
        view = TrackedView(3, MemoryView({"s": base}), mv)
        for k in rng.sample(keys, 2):
            value = rng.choice([b"own", None])
            view.set("s", k, value) if value else view.delete("s", k)
            truth[k] = value
        start, end = sorted(rng.sample(keys, 2))
        reverse = rng.random() < 0.5
        want = sorted((k, v) for k, v in truth.items() if v is not None and start <= k < end)
        assert list(view.iterate("s", start, end, reverse)) == (want[::-1] if reverse else want)
