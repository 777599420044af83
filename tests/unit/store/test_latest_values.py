"""``store.ss.latest_values.LatestValues`` and the RocksDB state store's use of it: reads
served from it, never a value a newer write replaced, and offers raced by a clear refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.api import ChangeSet
from store.ss import keys as K
from store.ss.latest_values import LatestValues
from store.ss.rocks import RocksStateStore


@pytest.fixture()
def ss(tmp_path: Path) -> Iterator[RocksStateStore]:
    store = RocksStateStore(tmp_path / "ss")
    yield store
    store.close()


def _two_versions(ss: RocksStateStore) -> LatestValues:
    """``a`` written at 1, ``b`` at 2, then the store's latest values forgotten."""
    ss.apply(1, ChangeSet.from_writes({"bank": {b"a": b"1"}}))
    ss.apply(2, ChangeSet.from_writes({"bank": {b"b": b"2"}}))
    assert ss.latest_values is not None
    ss.latest_values.clear()
    return ss.latest_values


def _head(key: bytes) -> bytes:
    return K.head(K.store_prefix("bank"), key)


def test_a_read_at_the_latest_version_is_then_served_without_rocksdb(ss: RocksStateStore) -> None:
    latest = _two_versions(ss)
    assert ss.get("bank", b"a", 2) == b"1"
    assert ss.get("bank", b"missing", 2) is None
    assert latest.entries == {_head(b"a"): (b"1", 2), _head(b"missing"): (None, 2)}
    ss._db.delete(_head(b"a") + K.version_suffix(1))  # behind the store's back
    assert ss.get("bank", b"a", 2) == b"1"
    assert ss.view(2).get("bank", b"a") == b"1"
    assert ss.view(1).get("bank", b"a") is None  # an older version reads RocksDB


def test_a_write_replaces_the_entry_and_older_versions_still_read_their_value(ss: RocksStateStore) -> None:
    ss.apply(1, ChangeSet.from_writes({"bank": {b"a": b"1"}}))
    old_view = ss.view(1)
    assert ss.get("bank", b"a", 1) == b"1"
    ss.apply(2, ChangeSet.from_writes({"bank": {b"a": None}}))
    assert ss.latest_values is not None
    assert ss.latest_values.entries[_head(b"a")] == (None, 2)
    assert ss.get("bank", b"a", 2) is None
    assert ss.get("bank", b"a", 1) == b"1"
    assert old_view.get("bank", b"a") == b"1"
    ss.latest_values.clear()
    assert old_view.get("bank", b"a") == b"1"  # not the latest: read, not offered
    assert _head(b"a") not in ss.latest_values.entries


def test_reads_at_an_older_version_are_not_offered(ss: RocksStateStore) -> None:
    latest = _two_versions(ss)
    assert ss.get("bank", b"a", 1) == b"1"
    assert ss.view(1).get("bank", b"b") is None
    assert latest.entries == {}


def test_an_offer_never_replaces_a_written_entry() -> None:
    values = LatestValues()
    generation = values.generation  # a read begins
    values.written(5, [(b"h", b"new")])  # a write lands meanwhile
    values.offer(b"h", b"old", 4, generation)
    assert values.entries == {b"h": (b"new", 5)}


def test_an_offer_begun_before_a_clear_is_refused() -> None:
    values = LatestValues(limit=2)
    generation = values.generation  # a read of b"k" begins at version 4
    values.written(5, [(b"k", b"new")])
    values.written(6, [(b"x", b"1"), (b"y", b"2")])  # past the limit: cleared first
    assert values.entries == {b"x": (b"1", 6), b"y": (b"2", 6)}
    values.offer(b"k", b"old", 4, generation)  # would hide the write at 5
    assert b"k" not in values.entries


def test_offers_stop_at_the_limit() -> None:
    values = LatestValues(limit=1)
    values.offer(b"a", b"1", 1, values.generation)
    values.offer(b"b", b"2", 1, values.generation)
    assert values.entries == {b"a": (b"1", 1)}


def test_a_failed_write_clears_the_entries_it_made(ss: RocksStateStore) -> None:
    ss.apply(1, ChangeSet.from_writes({"bank": {b"a": b"1"}}))
    real = ss._db

    class Failing:
        def write(self, batch: object) -> None:
            raise OSError("disk full")

    ss._db = Failing()  # type: ignore[assignment]
    with pytest.raises(OSError, match="disk full"):
        ss.apply(2, ChangeSet.from_writes({"bank": {b"a": b"2"}}))
    ss._db = real
    assert ss.latest_version() == 1
    assert ss.latest_values is not None and ss.latest_values.entries == {}
    assert ss.get("bank", b"a", 1) == b"1"


def test_importing_a_state_forgets_the_entries(ss: RocksStateStore) -> None:
    ss.apply(1, ChangeSet.from_writes({"bank": {b"a": b"1"}}))
    assert ss.get("bank", b"a", 1) == b"1"
    ss.import_version(5, iter([("bank", b"a", b"9")]))
    assert ss.get("bank", b"a", 5) == b"9"
