"""``occ.view``: layered reads, read-set and range recording, writes kept apart, and the
iteration merge (base, writes below, own writes) in both directions. The plain overlay and
the merge itself are tested in ``tests/unit/store/test_overlay.py``."""

from __future__ import annotations

import random
from typing import Any

from occ.memory import MemoryView
from occ.view import TxView
from store.overlay import Overlay
from tests.support.layered_views import expected_range, random_bounds, random_case

BASE = MemoryView({"bank": {b"a": b"base-a", b"c": b"base-c", b"e": b"base-e"}, "other": {b"a": b"x"}})


def test_tx_view_reads_own_writes_then_below_then_base() -> None:
    below = {("bank", b"a"): b"below-a", ("bank", b"c"): None, ("bank", b"b"): b"below-b"}
    view = TxView(4, BASE, below)
    assert view.get("bank", b"a") == b"below-a"
    assert view.get("bank", b"b") == b"below-b"
    assert view.get("bank", b"c") is None  # deleted below hides the base value
    assert view.get("bank", b"e") == b"base-e"
    assert view.get("bank", b"zz") is None
    assert view.get("other", b"a") == b"x"
    view.set("bank", b"e", b"own-e")
    view.delete("bank", b"a")
    assert view.get("bank", b"e") == b"own-e"
    assert view.get("bank", b"a") is None


def test_tx_view_records_reads_from_below_its_own_writes_only() -> None:
    view = TxView(4, BASE, {("bank", b"b"): b"below-b"})
    view.set("bank", b"mine", b"1")
    view.delete("bank", b"gone")
    assert view.get("bank", b"mine") == b"1"
    assert view.get("bank", b"gone") is None
    assert view.reads == {}  # own writes need no validation
    view.get("bank", b"b")
    view.get("bank", b"zz")  # absent keys are reads too
    view.get("bank", b"b")  # recorded once
    view.set("bank", b"zz", b"now mine")
    view.get("bank", b"zz")  # after the write: not a read
    view.get("other", b"a")
    assert list(view.reads) == [("bank", b"b"), ("bank", b"zz"), ("other", b"a")]


def test_tx_view_records_ranges_when_iterate_is_called() -> None:
    view = TxView(0, BASE, {})
    it = view.iterate("bank", b"b", None)
    assert view.ranges == (("bank", b"b", None),)  # recorded even if never consumed
    next(it)
    list(view.iterate("other", None, b"q", reverse=True))
    view.iterate("bank", None, None)
    assert view.ranges == (("bank", b"b", None), ("other", None, b"q"), ("bank", None, None))
    assert view.reads == {}  # iterating records ranges, not keys


def test_tx_view_keeps_its_writes_apart_from_below_and_base() -> None:
    below = {("bank", b"a"): b"below-a"}
    view = TxView(1, BASE, below)
    view.set("bank", b"a", b"own-a")
    view.set("bank", b"n", b"own-n")
    view.delete("bank", b"c")
    assert below == {("bank", b"a"): b"below-a"}
    assert view.layer == {("bank", b"a"): b"own-a", ("bank", b"n"): b"own-n", ("bank", b"c"): None}
    assert BASE.get("bank", b"c") == b"base-c"
    other = TxView(2, BASE, below)
    assert other.get("bank", b"a") == b"below-a" and other.get("bank", b"n") is None


def test_outcome_carries_reads_ranges_and_writes_and_an_error_drops_the_writes() -> None:
    view = TxView(7, BASE, {})
    view.get("bank", b"a")
    list(view.iterate("bank", None, b"c"))
    view.set("bank", b"w", b"v")
    ok = view.outcome("out", None)
    assert ok.index == 7 and ok.output == "out" and ok.error is None
    assert ok.reads == (("bank", b"a"),)
    assert ok.ranges == (("bank", None, b"c"),)
    assert ok.writes == {("bank", b"w"): b"v"}
    error = ValueError("boom")
    failed = view.outcome(None, error)
    assert failed.error is error and failed.output is None
    assert failed.writes == {}  # a tx that raised writes nothing
    assert failed.reads == ok.reads and failed.ranges == ok.ranges  # still validated


def test_tx_view_iteration_merges_base_below_and_own_writes_both_ways() -> None:
    below = {("bank", b"b"): b"below-b", ("bank", b"c"): None, ("other", b"d"): b"not bank"}
    view = TxView(1, BASE, below)
    view.set("bank", b"e", b"own-e")
    view.delete("bank", b"a")
    view.set("bank", b"f", b"own-f")
    view.set("bank", b"c", b"own-c")  # revives a key deleted below
    want = [(b"b", b"below-b"), (b"c", b"own-c"), (b"e", b"own-e"), (b"f", b"own-f")]
    assert list(view.iterate("bank", None, None)) == want
    assert list(view.iterate("bank", None, None, reverse=True)) == want[::-1]
    assert list(view.iterate("bank", b"b", b"f")) == want[:3]  # start inclusive, end exclusive
    assert list(view.iterate("bank", b"c", b"e", reverse=True)) == [(b"c", b"own-c")]
    assert list(view.iterate("other", None, None)) == [(b"a", b"x"), (b"d", b"not bank")]


def test_iterate_snapshots_the_view_when_called() -> None:
    overlay = Overlay(BASE, {})
    it = overlay.iterate("bank", None, None)
    overlay.set("bank", b"b", b"later")
    overlay.delete("bank", b"e")
    assert [k for k, _ in it] == [b"a", b"c", b"e"]
    below: dict[Any, Any] = {}
    tx = TxView(0, BASE, below)
    it = tx.iterate("bank", None, None, reverse=True)
    tx.set("bank", b"d", b"later")
    below[("bank", b"b")] = b"later"
    assert [k for k, _ in it] == [b"e", b"c", b"a"]


def test_random_tx_view_iterations_match_a_dict_model() -> None:
    rng = random.Random(7)
    keys = [bytes([k]) for k in range(8)]
    for _ in range(400):
        base, (below_layer, own_layer) = random_case(rng, keys)
        below = {("s", k): v for k, v in below_layer.items()}
        below.update({("t", k): b"other store" for k in keys[:3]})
        view = TxView(3, MemoryView({"s": base}), below)
        for k, v in own_layer.items():
            view.set("s", k, v) if v is not None else view.delete("s", k)
        truth: dict[bytes, Any] = {**base, **below_layer, **own_layer}
        for k in rng.sample(keys, 3):
            assert view.get("s", k) == truth.get(k)
        start, end = random_bounds(rng, keys)
        for reverse in (False, True):
            assert list(view.iterate("s", start, end, reverse)) == expected_range(truth, start, end, reverse)
        assert view.ranges == (("s", start, end),) * 2
