"""SeiDB: commit/restart, SS repair after a crash between changelog and SS, snapshots,
historical reads, and reading from a worker process."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path
from typing import Any

import pytest

from store.api import ChangeSet, StateOpener
from store.config import StoreConfig
from store.multistore import SeiDB
from store.sc.merkle import EMPTY_ROOT
from store.ss.rocks import VersionUnavailable


def block(h: int) -> ChangeSet:
    return ChangeSet.from_writes(
        {
            "bank": {b"acct%02d" % (i % 7): b"%d" % (h * 10 + i) for i in range(h % 5 + 1)},
            "evm": {b"slot": None if h % 4 == 0 else b"s%d" % h},
        }
    )


def run(db: SeiDB, heights: range) -> dict[int, bytes]:
    hashes = {}
    for h in heights:
        hashes[h] = db.stage(h, block(h))
        db.commit()
    return hashes


def test_fresh_store(tmp_path: Path) -> None:
    with SeiDB(tmp_path) as db:
        assert db.last_height() == 0
        assert db.last_app_hash() == EMPTY_ROOT
        assert db.read_view().get("bank", b"x") is None


def test_the_newest_view_during_a_commit_is_the_state_store_s_newest(tmp_path: Path) -> None:
    """Commit makes the commitment's height durable, then writes the state store: a read of
    the newest state in between gets the height before, not the new height's label on
    the old values."""
    with SeiDB(tmp_path) as db:
        run(db, range(1, 3))
        db.stage(3, ChangeSet.from_writes({"bank": {b"acct00": b"new"}}))
        db.sc.commit()  # what commit does first
        assert db.last_height() == 3
        view = db.read_view()
        assert (view.version, view.get("bank", b"acct00")) == (2, b"20")
        got = db.query("bank", b"acct00")
        assert (got.height, got.value) == (2, b"20")


@pytest.mark.parametrize("interval", [0, 3, 5])
def test_restart_gives_same_hash(tmp_path: Path, interval: int) -> None:
    cfg = StoreConfig(sc_snapshot_interval=interval)
    with SeiDB(tmp_path, cfg) as db:
        hashes = run(db, range(1, 14))
        db.wait_background()
        before = list(db.read_view().iterate("bank", None, None))
    with SeiDB(tmp_path, cfg) as db:
        assert db.last_height() == 13
        assert db.last_app_hash() == hashes[13]
        assert list(db.read_view().iterate("bank", None, None)) == before
        hashes.update(run(db, range(14, 16)))
    with SeiDB(tmp_path, StoreConfig(sc_snapshot_interval=0)) as fresh_run:
        assert fresh_run.last_app_hash() == hashes[15]


def test_hash_independent_of_snapshot_interval(tmp_path: Path) -> None:
    finals = set()
    for interval in (0, 2, 7):
        with SeiDB(tmp_path / str(interval), StoreConfig(sc_snapshot_interval=interval)) as db:
            finals.add(run(db, range(1, 12))[11])
    assert len(finals) == 1


def test_stage_twice_replaces(tmp_path: Path) -> None:
    with SeiDB(tmp_path) as db:
        run(db, range(1, 3))
        db.stage(3, ChangeSet.from_writes({"bank": {b"junk": b"1"}}))
        h3 = db.stage(3, block(3))
        db.commit()
        assert db.read_view().get("bank", b"junk") is None
    with SeiDB(tmp_path / "other") as other:
        assert run(other, range(1, 4))[3] == h3


def test_stage_wrong_height_rejected(tmp_path: Path) -> None:
    with SeiDB(tmp_path) as db:
        run(db, range(1, 3))
        with pytest.raises(ValueError):
            db.stage(5, block(5))
        with pytest.raises(ValueError):
            db.stage(2, block(2))


def test_ss_repaired_after_crash_between_changelog_and_ss(tmp_path: Path) -> None:
    db = SeiDB(tmp_path)
    db.start()
    hashes = run(db, range(1, 5))
    db.stage(5, block(5))
    db.sc.commit()  # changelog durable, SS batch never written: the crash window
    db.close()
    with SeiDB(tmp_path) as db:
        assert db.last_height() == 5
        assert db.ss.latest_version() == 5
        assert db.read_view().get("evm", b"slot") == b"s5"
        assert db.read_view(4).get("evm", b"slot") is None
        assert hashes[4] != db.last_app_hash()


def test_historical_views_and_pruning(tmp_path: Path) -> None:
    cfg = StoreConfig(ss_keep_recent=4, ss_prune_interval_heights=1)
    with SeiDB(tmp_path, cfg) as db:
        run(db, range(1, 12))
        db.wait_background(10)
        assert db.earliest_height() == 8
        assert db.read_view(9).get("evm", b"slot") == b"s9"
        with pytest.raises(VersionUnavailable):
            db.read_view(3)
        with pytest.raises(VersionUnavailable):
            db.read_view(12)
        q = db.query("evm", b"slot", 10)
        assert (q.value, q.height) == (b"s10", 10)


def _worker(opener: StateOpener, version: int, out: Any) -> None:
    reader = opener.open()
    try:
        view = reader.view(version)
        out.put((view.get("evm", b"slot"), list(view.iterate("bank", None, None))))
        try:
            reader.view(version + 1)
            out.put("no error")
        except VersionUnavailable:
            out.put("unavailable")
    finally:
        reader.close()


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_state_opener_in_child_process(tmp_path: Path, method: str) -> None:
    with SeiDB(tmp_path) as db:
        run(db, range(1, 7))
        opener = db.state_opener()
        ctx = mp.get_context(method)
        out = ctx.Queue()
        p = ctx.Process(target=_worker, args=(opener, 6, out))
        p.start()
        got = out.get(timeout=60)
        status = out.get(timeout=60)
        p.join(60)
        view = db.read_view()
        assert got == (view.get("evm", b"slot"), list(view.iterate("bank", None, None)))
        assert status == "unavailable"


def test_reader_catches_up_with_new_heights(tmp_path: Path) -> None:
    with SeiDB(tmp_path) as db:
        run(db, range(1, 3))
        reader = db.state_opener().open()
        try:
            assert reader.view(2).get("evm", b"slot") == b"s2"
            run(db, range(3, 6))
            assert reader.view(5).get("evm", b"slot") == b"s5"
            assert reader.view(3).get("evm", b"slot") == b"s3"
        finally:
            reader.close()
