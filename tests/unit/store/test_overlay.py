"""``store.overlay``: one layer of writes over a parent view (reads, writes into a given
dict, iteration merged in both directions, flush, change set), checked against a dict model."""

from __future__ import annotations

import random
from typing import Any

from occ.memory import MemoryView
from store.api import ChangeSet
from store.overlay import EmptyView, Overlay, merge_layers
from tests.support.layered_views import expected_range, random_bounds, random_case

BASE = MemoryView({"bank": {b"a": b"base-a", b"c": b"base-c", b"e": b"base-e"}, "other": {b"a": b"x"}})


def test_overlay_view_reads_its_writes_over_base_and_writes_into_the_given_dict() -> None:
    writes: dict[Any, Any] = {("bank", b"a"): b"w-a"}
    view = Overlay(BASE, writes)
    assert view.get("bank", b"a") == b"w-a"
    assert view.get("bank", b"c") == b"base-c"
    view.delete("bank", b"c")
    view.set("bank", b"d", b"w-d")
    assert view.get("bank", b"c") is None and view.get("bank", b"d") == b"w-d"
    assert writes == {("bank", b"a"): b"w-a", ("bank", b"c"): None, ("bank", b"d"): b"w-d"}
    want = [(b"a", b"w-a"), (b"d", b"w-d"), (b"e", b"base-e")]
    assert list(view.iterate("bank", None, None)) == want
    assert list(view.iterate("bank", None, None, reverse=True)) == want[::-1]
    assert list(view.iterate("bank", b"b", b"e")) == [(b"d", b"w-d")]


def test_merge_layers_upper_wins_and_none_hides_in_both_directions() -> None:
    lower = [(b"a", b"1"), (b"c", b"3"), (b"e", b"5")]
    upper = [(b"0", b"u0"), (b"c", None), (b"d", b"u4"), (b"e", b"u5"), (b"z", None)]
    want = [(b"0", b"u0"), (b"a", b"1"), (b"d", b"u4"), (b"e", b"u5")]
    assert list(merge_layers(iter(lower), upper, False)) == want
    assert list(merge_layers(iter(lower[::-1]), upper[::-1], True)) == want[::-1]
    assert list(merge_layers(iter([]), [(b"a", None)], False)) == []


def test_random_overlay_view_iterations_match_a_dict_model() -> None:
    rng = random.Random(11)
    keys = [bytes([k]) for k in range(8)]
    for _ in range(400):
        base, (layer, _) = random_case(rng, keys)
        view = Overlay(MemoryView({"s": base}), {("t", keys[0]): b"other store"})
        for k, v in layer.items():
            view.set("s", k, v) if v is not None else view.delete("s", k)
        truth: dict[bytes, Any] = {**base, **layer}
        for k in rng.sample(keys, 3):
            assert view.get("s", k) == truth.get(k)
        start, end = random_bounds(rng, keys)
        for reverse in (False, True):
            assert list(view.iterate("s", start, end, reverse)) == expected_range(truth, start, end, reverse)


def test_flush_writes_through_to_a_parent_overlay_and_clears() -> None:
    outer = Overlay(BASE)
    inner = Overlay(outer)
    inner.set("bank", b"z", b"new")
    inner.delete("bank", b"a")
    assert outer.get("bank", b"z") is None
    inner.flush()
    assert inner.layer == {} and outer.get("bank", b"z") == b"new" and outer.get("bank", b"a") is None
    inner.set("bank", b"q", b"dropped")
    inner.discard()
    assert inner.layer == {} and outer.get("bank", b"q") is None


def test_writes_group_by_store_and_changeset_is_canonical() -> None:
    view = Overlay(EmptyView())
    view.set("bank", b"b", b"2")
    view.set("acc", b"x", b"1")
    view.delete("bank", b"a")
    assert view.writes() == {"bank": {b"b": b"2", b"a": None}, "acc": {b"x": b"1"}}
    want = ChangeSet({"acc": ((b"x", b"1"),), "bank": ((b"a", None), (b"b", b"2"))})
    assert view.changeset() == want
    again = Overlay(EmptyView())
    again.apply(want)
    assert again.changeset() == want and again.get("bank", b"a") is None
