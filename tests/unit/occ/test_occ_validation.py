"""``occ.validation``: which changes by lower txs invalidate an outcome, and which do not."""

from __future__ import annotations

from itertools import islice

from occ.memory import MemoryView
from occ.mvstore import MVStore
from occ.validation import first_conflict
from occ.view import TrackedView

BASE = MemoryView({"bank": {b"a": b"1", b"c": b"3", b"e": b"5"}})


def outcome_of(steps, mv=None):  # type: ignore[no-untyped-def]
    view = TrackedView(5, BASE, mv or MVStore())
    steps(view)
    return view.outcome(0, None, None)


def test_unchanged_reads_are_valid_and_a_new_write_below_is_not() -> None:
    outcome = outcome_of(lambda v: (v.get("bank", b"a"), v.get("bank", b"zz")))
    mv = MVStore()
    mv.record(7, 0, {("bank", b"a"): b"later"})  # above tx 5: irrelevant
    assert first_conflict(outcome, mv, BASE) is None
    mv.record(2, 0, {("bank", b"zz"): b"now here"})  # an absent key appears
    assert first_conflict(outcome, mv, BASE) == ("bank", b"zz")


def test_a_new_incarnation_of_the_writer_invalidates() -> None:
    mv = MVStore()
    mv.record(1, 0, {("bank", b"a"): b"x"})
    outcome = outcome_of(lambda v: v.get("bank", b"a"), mv)
    assert first_conflict(outcome, mv, BASE) is None
    mv.record(1, 1, {("bank", b"a"): b"x"})
    assert first_conflict(outcome, mv, BASE) == ("bank", b"a")


def test_an_insert_into_an_iterated_range_invalidates() -> None:
    outcome = outcome_of(lambda v: list(v.iterate("bank", b"a", b"z")))
    mv = MVStore()
    mv.record(0, 0, {("bank", b"d"): b"new"})
    assert first_conflict(outcome, mv, BASE) == ("bank", b"d")


def test_a_delete_in_an_iterated_range_invalidates_in_reverse_too() -> None:
    outcome = outcome_of(lambda v: list(v.iterate("bank", None, None, reverse=True)))
    mv = MVStore()
    mv.record(0, 0, {("bank", b"c"): None})
    assert first_conflict(outcome, mv, BASE) is not None


def test_an_insert_after_an_early_stop_is_harmless_but_not_before() -> None:
    outcome = outcome_of(lambda v: list(islice(v.iterate("bank", None, None), 1)))
    mv = MVStore()
    mv.record(0, 0, {("bank", b"d"): b"new"})
    assert first_conflict(outcome, mv, BASE) is None
    mv.record(1, 0, {("bank", b"0"): b"first"})
    assert first_conflict(outcome, mv, BASE) == ("bank", b"0")


def test_an_insert_past_the_end_of_an_exhausted_range_invalidates() -> None:
    outcome = outcome_of(lambda v: list(v.iterate("bank", None, None)))
    mv = MVStore()
    mv.record(0, 0, {("bank", b"f"): b"new last"})
    assert first_conflict(outcome, mv, BASE) == ("bank", b"f")


def test_own_writes_do_not_need_validation() -> None:
    def steps(v):  # type: ignore[no-untyped-def]
        v.set("bank", b"q", b"mine")
        return v.get("bank", b"q")

    outcome = outcome_of(steps)
    mv = MVStore()
    mv.record(0, 0, {("bank", b"q"): b"theirs"})
    assert outcome.reads == {} and first_conflict(outcome, mv, BASE) is None
