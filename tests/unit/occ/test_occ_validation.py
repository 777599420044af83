"""``occ.validation.Dirty``: an outcome is valid iff it read no dirty key and iterated no
range holding one; ``settle`` and ``taint`` keep the set (and its sorted index, once a
range check has built it) right."""

from __future__ import annotations

import random
from typing import Any

from occ.api import Outcome, RangeRead, StoreKey
from occ.validation import Dirty


def outcome(reads: tuple[StoreKey, ...] = (), ranges: tuple[RangeRead, ...] = ()) -> Outcome:
    return Outcome(3, "out", None, reads, ranges, {})


def test_a_read_of_a_dirty_key_invalidates_and_clean_reads_do_not() -> None:
    dirty = Dirty({("bank", b"a"): b"1", ("bank", b"c"): None})  # a write set: its keys
    assert dirty.conflict(outcome(reads=(("bank", b"b"), ("other", b"a")))) is None
    assert dirty.conflict(outcome(reads=(("bank", b"b"), ("bank", b"c")))) == ("bank", b"c")  # deleted key
    assert dirty.conflict(outcome(reads=(("bank", b"c"), ("bank", b"a")))) == ("bank", b"c")  # first read
    assert dirty.conflict(outcome()) is None


def test_an_empty_set_invalidates_nothing() -> None:
    dirty = Dirty(())
    assert dirty.conflict(outcome(reads=(("bank", b"a"),), ranges=(("bank", None, None),))) is None


def test_a_range_holding_a_dirty_key_invalidates() -> None:
    dirty = Dirty([("bank", b"c")])
    for start, end in [
        (None, None),
        (b"a", None),
        (None, b"d"),
        (b"c", b"d"),
        (b"b", b"c\x00"),
        (b"c", None),
    ]:
        assert dirty.conflict(outcome(ranges=(("bank", start, end),))) == ("bank", b"c"), (start, end)


def test_a_range_without_a_dirty_key_is_valid() -> None:
    dirty = Dirty([("bank", b"c")])
    for start, end in [(None, b"c"), (b"a", b"c"), (b"c\x00", None), (b"d", b"z"), (b"a", b"b")]:
        assert dirty.conflict(outcome(ranges=(("bank", start, end),))) is None, (start, end)
    assert dirty.conflict(outcome(ranges=(("other", None, None),))) is None  # another store


def test_a_range_reports_the_first_dirty_key_in_it() -> None:
    dirty = Dirty([("bank", b"e"), ("bank", b"b"), ("bank", b"x"), ("zoo", b"a")])
    assert dirty.conflict(outcome(ranges=(("bank", b"c", None),))) == ("bank", b"e")
    assert dirty.conflict(outcome(ranges=(("bank", None, b"c"),))) == ("bank", b"b")
    assert dirty.conflict(outcome(ranges=(("bank", b"f", b"x"), ("zoo", None, None)))) == ("zoo", b"a")


def test_settle_removes_keys_and_taint_adds_them() -> None:
    dirty = Dirty([("bank", b"a"), ("bank", b"b")])
    dirty.settle([("bank", b"a"), ("bank", b"never dirty")])
    assert dirty.conflict(outcome(reads=(("bank", b"a"),))) is None
    assert dirty.conflict(outcome(reads=(("bank", b"b"),))) == ("bank", b"b")
    dirty.taint([("bank", b"q"), ("bank", b"b")])
    assert dirty.conflict(outcome(reads=(("bank", b"q"),))) == ("bank", b"q")
    dirty.settle({("bank", b"b"): b"v", ("bank", b"q"): None})  # a write set: its keys
    assert dirty.conflict(outcome(reads=(("bank", b"b"), ("bank", b"q")))) is None


def test_settle_and_taint_after_a_range_check_built_the_index() -> None:
    dirty = Dirty([("bank", b"c"), ("bank", b"m")])
    whole = outcome(ranges=(("bank", None, None),))
    assert dirty.conflict(whole) == ("bank", b"c")  # builds the sorted index
    dirty.settle([("bank", b"c")])
    assert dirty.conflict(whole) == ("bank", b"m")
    assert dirty.conflict(outcome(ranges=(("bank", None, b"m"),))) is None
    dirty.taint([("bank", b"a"), ("new", b"k"), ("bank", b"m")])  # m already dirty: no duplicate
    assert dirty.conflict(whole) == ("bank", b"a")
    assert dirty.conflict(outcome(ranges=(("new", b"k", b"l"),))) == ("new", b"k")
    dirty.settle([("bank", b"a"), ("bank", b"m"), ("new", b"k"), ("bank", b"zz")])
    assert dirty.conflict(whole) is None  # m settled once is gone, even though tainted twice
    assert dirty.conflict(outcome(ranges=(("new", None, None),))) is None
    assert dirty.conflict(outcome(reads=(("bank", b"m"), ("new", b"k")))) is None


def _brute_force(keys: set[StoreKey], o: Outcome) -> bool:
    """Whether ``o`` conflicts with ``keys``, the slow way."""
    if any(sk in keys for sk in o.reads):
        return True
    return any(
        s == store and (start is None or k >= start) and (end is None or k < end)
        for store, start, end in o.ranges
        for s, k in keys
    )


def test_random_settle_taint_and_checks_match_a_set_model() -> None:
    rng = random.Random(3)
    universe = [(store, bytes([k])) for store in ("s", "t") for k in range(10)]
    for _ in range(200):
        model = set(rng.sample(universe, rng.randint(0, 6)))
        dirty = Dirty(model)
        for _ in range(30):
            op = rng.random()
            picked = rng.sample(universe, rng.randint(0, 4))
            if op < 0.3:
                dirty.settle(picked)
                model.difference_update(picked)
            elif op < 0.6:
                dirty.taint(picked)
                model.update(picked)
            else:
                start, end = (rng.choice([None, *(bytes([k]) for k in range(11))]) for _ in range(2))
                ranges: Any = ((rng.choice("st"), start, end),) if rng.random() < 0.7 else ()
                o = outcome(reads=tuple(picked), ranges=ranges)
                found = dirty.conflict(o)
                assert (found is not None) == _brute_force(model, o), (model, o)
                assert found is None or found in model
