"""One suite, every state store implementation (in-memory and RocksDB)."""

from __future__ import annotations

import pytest

from store.api import ChangeSet, StateStore


def writes(pairs: dict[bytes, bytes | None], store: str = "bank") -> ChangeSet:
    return ChangeSet.from_writes({store: pairs})


def test_versions_and_tombstones(state_store: StateStore) -> None:
    ss = state_store
    ss.apply(1, writes({b"a": b"1", b"b": b"1"}))
    ss.apply(2, writes({b"a": b"2"}))
    ss.apply(3, writes({b"a": None}))
    ss.apply(4, writes({b"a": b"4"}))
    assert [ss.get("bank", b"a", v) for v in range(0, 6)] == [None, b"1", b"2", None, b"4", b"4"]
    assert ss.get("bank", b"b", 4) == b"1"
    assert ss.get("acc", b"a", 4) is None
    assert ss.latest_version() == 4 and ss.earliest_version() == 1


def test_versions_must_increase(state_store: StateStore) -> None:
    state_store.apply(5, writes({b"a": b"1"}))
    with pytest.raises(ValueError):
        state_store.apply(5, writes({b"a": b"2"}))


KEYS = [b"", b"\x00", b"\x00\x00", b"\x00\x01", b"\x00\xff", b"a", b"a\x00", b"a\x00b", b"a\x01", b"ab", b"b", b"\xff", b"\xff\xff"]


def test_iteration_with_awkward_keys(state_store: StateStore) -> None:
    ss = state_store
    ss.apply(1, writes({k: b"v1" + k for k in KEYS}))
    ss.apply(2, writes({b"a\x00": None, b"\x00": b"new"}))
    ss.apply(3, writes({b"zz": b"other"}, store="bankx"))
    at1 = [(k, b"v1" + k) for k in sorted(KEYS)]
    assert list(ss.iterate("bank", None, None, 1)) == at1
    assert list(ss.iterate("bank", None, None, 1, reverse=True)) == at1[::-1]
    at2 = [(k, b"new" if k == b"\x00" else b"v1" + k) for k in sorted(KEYS) if k != b"a\x00"]
    assert list(ss.iterate("bank", None, None, 3)) == at2
    for lo in KEYS:
        for hi in KEYS:
            want = [(k, v) for k, v in at2 if lo <= k < hi]
            assert list(ss.iterate("bank", lo, hi, 2)) == want
            assert list(ss.iterate("bank", lo, hi, 2, reverse=True)) == want[::-1]
    assert [ss.get("bank", k, 1) for k in KEYS] == [b"v1" + k for k in KEYS]


def test_prune_keeps_window(state_store: StateStore) -> None:
    ss = state_store
    for v in range(1, 11):
        ss.apply(v, writes({b"k%d" % (v % 3): b"%d" % v, b"gone": None if v == 4 else b"g%d" % v}))
    expected = {v: {k: ss.get("bank", k, v) for k in (b"k0", b"k1", b"k2", b"gone")} for v in range(1, 11)}
    ss.prune(3)
    assert ss.earliest_version() == 8
    for v in range(8, 11):
        assert {k: ss.get("bank", k, v) for k in expected[v]} == expected[v]
        assert list(ss.iterate("bank", None, None, v)) == sorted(
            (k, val) for k, val in expected[v].items() if val is not None
        )
    ss.prune(0)  # 0 = keep everything
    assert ss.earliest_version() == 8
