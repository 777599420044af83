"""``occ.mvstore``: reads see the highest index below the reader, against a naive model."""

from __future__ import annotations

import random

from occ.mvstore import ESTIMATE, MVStore

A, B = ("bank", b"a"), ("bank", b"b")


def test_read_sees_highest_lower_index_else_base() -> None:
    mv = MVStore()
    mv.record(5, 0, {A: b"five"})
    mv.record(2, 1, {A: b"two", B: None})
    assert mv.read(A, 2) is None
    assert mv.read(A, 3) == (b"two", (2, 1))
    assert mv.read(A, 5) == (b"two", (2, 1))
    assert mv.read(A, 6) == (b"five", (5, 0))
    assert mv.read(B, 3) == (None, (2, 1))  # a delete is an entry, not a miss
    assert mv.version(B, 1) is None


def test_record_replaces_the_previous_incarnation() -> None:
    mv = MVStore()
    mv.record(3, 0, {A: b"x", B: b"y"})
    mv.record(3, 1, {A: b"z"})
    assert mv.read(A, 4) == (b"z", (3, 1))
    assert mv.read(B, 4) is None
    assert mv.keys_in_range("bank", None, None) == [b"a"]


def test_estimate_and_remove() -> None:
    mv = MVStore()
    mv.record(1, 0, {A: b"one"})
    mv.record(4, 0, {A: b"four"})
    mv.mark_estimate(4)
    assert mv.version(A, 5) is ESTIMATE
    assert mv.stale_read({A: (4, 0)}, 5) == A
    assert mv.version(A, 4) == (1, 0)
    mv.remove(4)
    assert mv.read(A, 9) == (b"one", (1, 0))
    mv.remove(1)
    assert mv.read(A, 9) is None and mv.keys_in_range("bank", None, None) == []


def test_stale_read_compares_versions() -> None:
    mv = MVStore()
    mv.record(1, 0, {A: b"one"})
    assert mv.stale_read({A: (1, 0), B: None}, 2) is None
    assert mv.stale_read({A: None}, 2) == A
    assert mv.stale_read({A: None}, 1) is None  # tx 1 does not see its own entry
    assert mv.stale_read({B: (0, 0)}, 2) == B


def test_keys_in_range_and_latest() -> None:
    mv = MVStore()
    mv.record(0, 0, {("acc", b"c"): b"1", ("bank", b"b"): b"2", ("bank", b"d"): None})
    assert mv.keys_in_range("bank", b"b", b"d") == [b"b"]
    assert mv.keys_in_range("bank", None, None) == [b"b", b"d"]
    assert mv.latest() == {"acc": {b"c": b"1"}, "bank": {b"b": b"2", b"d": None}}


def test_random_operations_match_a_naive_model() -> None:
    rng = random.Random(4)
    keys = [("s", bytes([k])) for k in range(4)]
    for _ in range(200):
        mv = MVStore()
        model: dict[int, tuple[int, dict]] = {}  # index -> (incarnation, writes)
        for _ in range(30):
            index = rng.randrange(8)
            if rng.random() < 0.2:
                mv.remove(index)
                model.pop(index, None)
            else:
                inc = model.get(index, (-1, {}))[0] + 1
                writes = {k: rng.choice([b"v%d" % index, None]) for k in rng.sample(keys, rng.randrange(3))}
                mv.record(index, inc, writes)
                model[index] = (inc, writes)
            for sk in keys:
                for reader in range(9):
                    lower = [i for i in sorted(model) if i < reader and sk in model[i][1]]
                    want = None if not lower else (model[lower[-1]][1][sk], (lower[-1], model[lower[-1]][0]))
                    assert mv.read(sk, reader) == want
