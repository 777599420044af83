"""SS against a dict model: random sets/deletes over many heights; every retained height
and every range (forward and reverse) read back as the model says, before and after
pruning, on both implementations."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.api import ChangeSet
from store.ss.memory import MemoryStateStore
from store.ss.rocks import RocksStateStore

STORES = ("bank", "bankz")
ALL_KEYS = [b"", b"\x00", b"\x00\x01", b"a", b"a\x00", b"a\x00\xff", b"ab", b"b", b"\xff"]
KEYS = st.sampled_from(ALL_KEYS)
VALUES = st.one_of(st.none(), st.binary(min_size=0, max_size=3))
HEIGHT = st.dictionaries(st.sampled_from(STORES), st.dictionaries(KEYS, VALUES, max_size=5), max_size=2)
HISTORY = st.lists(HEIGHT, min_size=1, max_size=12)

Model = dict[str, dict[bytes, bytes]]


def model_states(history: list[dict[str, dict[bytes, bytes | None]]]) -> list[Model]:
    states: list[Model] = [{s: {} for s in STORES}]
    for writes in history:
        nxt = {s: dict(kv) for s, kv in states[-1].items()}
        for store, kv in writes.items():
            for k, v in kv.items():
                if v is None:
                    nxt[store].pop(k, None)
                else:
                    nxt[store][k] = v
        states.append(nxt)
    return states


def check(ss: MemoryStateStore | RocksStateStore, states: list[Model], bounds: list[bytes | None]) -> None:
    for version in range(max(ss.earliest_version(), 1), len(states)):
        state = states[version]
        for store in STORES:
            for k in ALL_KEYS:
                assert ss.get(store, k, version) == state[store].get(k)
            items = sorted(state[store].items())
            for lo in bounds:
                for hi in bounds:
                    want = [(k, v) for k, v in items if (lo is None or k >= lo) and (hi is None or k < hi)]
                    assert list(ss.iterate(store, lo, hi, version)) == want
                    assert list(ss.iterate(store, lo, hi, version, reverse=True)) == want[::-1]


def run(ss: MemoryStateStore | RocksStateStore, history: list[dict[str, dict[bytes, bytes | None]]], keep: int) -> None:
    states = model_states(history)
    for version, writes in enumerate(history, start=1):
        ss.apply(version, ChangeSet.from_writes(writes))
    bounds: list[bytes | None] = [None, b"", b"\x00\x01", b"a\x00", b"ab", b"\xff"]
    check(ss, states, bounds)
    ss.prune(keep)
    if keep:
        assert ss.earliest_version() == max(1, len(history) - keep + 1)
    check(ss, states, bounds)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=HISTORY, keep=st.integers(0, 6))
def test_memory_store_matches_model(history: list[dict[str, dict[bytes, bytes | None]]], keep: int) -> None:
    run(MemoryStateStore(), history, keep)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=HISTORY, keep=st.integers(0, 6))
def test_rocks_store_matches_model(history: list[dict[str, dict[bytes, bytes | None]]], keep: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ss = RocksStateStore(Path(tmp) / "ss")
        try:
            run(ss, history, keep)
        finally:
            ss.close()


def _read_everything(ss: RocksStateStore, states: list[Model], versions: list[int]) -> None:
    for version in versions:
        view = ss.view(version)
        for store in STORES:
            for k in ALL_KEYS:
                want = states[version][store].get(k)
                assert ss.get(store, k, version) == want
                assert view.get(store, k) == want


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=HISTORY, limit=st.integers(1, 24), data=st.data())
def test_rocks_store_reads_between_writes_match_model(
    history: list[dict[str, dict[bytes, bytes | None]]], limit: int, data: st.DataObject
) -> None:
    """Reads at the latest version (which fill ``latest_values``) and at older ones, between
    every two writes, read what the model holds; a small limit makes writes clear the
    entries often."""
    states = model_states(history)
    with tempfile.TemporaryDirectory() as tmp:
        ss = RocksStateStore(Path(tmp) / "ss")
        assert ss.latest_values is not None
        ss.latest_values.limit = limit
        try:
            for version, writes in enumerate(history, start=1):
                ss.apply(version, ChangeSet.from_writes(writes))
                older = data.draw(st.lists(st.integers(1, version), max_size=3))
                _read_everything(ss, states, [version, *older, version])
            _read_everything(ss, states, list(range(1, len(history) + 1)))
        finally:
            ss.close()
