"""State sync between two stores: chunks are hash-checked; the restored node has the same
app hash and state and then follows the chain; a crash mid-restore is repaired."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import statesync
from store.api import ChangeSet
from store.config import StoreConfig
from store.multistore import SeiDB

CFG = StoreConfig(sc_snapshot_interval=5)


def block(h: int) -> ChangeSet:
    return ChangeSet.from_writes(
        {"bank": {b"a%03d" % (h * 7 % 50 + i): b"%d-%d" % (h, i) for i in range(20)}, "evm": {b"x": b"%d" % h}}
    )


def commit(db: SeiDB, heights: range) -> dict[int, bytes]:
    out = {}
    for h in heights:
        out[h] = db.stage(h, block(h))
        db.commit()
        db.wait_background()  # a snapshot still being written when the next is due is skipped
    return out


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(statesync, "CHUNK_SIZE", 256)


def test_restore_then_follow(tmp_path: Path) -> None:
    with SeiDB(tmp_path / "a", CFG) as a, SeiDB(tmp_path / "b", CFG) as b:
        hashes = commit(a, range(1, 13))
        a.wait_background()
        info = a.list_snapshots()[-1]
        assert info.height == 10 and info.chunks > 3
        assert b.offer_snapshot(info, hashes[10])
        for i in range(info.chunks):
            chunk = a.load_snapshot_chunk(info.height, info.format, i)
            assert not b.apply_snapshot_chunk(i, chunk[:-1] + b"?")  # corrupt: refused
            assert not b.apply_snapshot_chunk(i + 1, chunk)  # out of order: refused
            assert b.apply_snapshot_chunk(i, chunk)
        assert (b.last_height(), b.last_app_hash()) == (10, hashes[10])
        assert list(b.read_view().iterate("bank", None, None)) == list(a.read_view(10).iterate("bank", None, None))
        assert commit(b, range(11, 13)) == {11: hashes[11], 12: hashes[12]}
    with SeiDB(tmp_path / "b", CFG) as b:
        assert (b.last_height(), b.last_app_hash()) == (12, hashes[12])


def test_wrong_trusted_hash_is_rejected(tmp_path: Path) -> None:
    with SeiDB(tmp_path / "a", CFG) as a, SeiDB(tmp_path / "b", CFG) as b:
        commit(a, range(1, 6))
        a.wait_background()
        info = a.list_snapshots()[-1]
        assert b.offer_snapshot(info, b"\x00" * 32)
        with pytest.raises(ValueError):
            for i in range(info.chunks):
                b.apply_snapshot_chunk(i, a.load_snapshot_chunk(info.height, info.format, i))
        assert b.last_height() == 0


def test_offer_refused_on_a_node_with_state(tmp_path: Path) -> None:
    with SeiDB(tmp_path / "a", CFG) as a:
        hashes = commit(a, range(1, 6))
        a.wait_background()
        info = a.list_snapshots()[-1]
        assert not a.offer_snapshot(info, hashes[5])
        bad_format = statesync.SnapshotInfo(info.height, 99, info.chunks, info.hash, info.metadata)
        with SeiDB(tmp_path / "b", CFG) as b:
            assert not b.offer_snapshot(bad_format, hashes[5])


def test_crash_between_tree_install_and_ss_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with SeiDB(tmp_path / "a", CFG) as a:
        hashes = commit(a, range(1, 6))
        a.wait_background()
        info = a.list_snapshots()[-1]
        chunks = [a.load_snapshot_chunk(info.height, info.format, i) for i in range(info.chunks)]
        want = list(a.read_view().iterate("bank", None, None))
    b = SeiDB(tmp_path / "b", CFG)
    b.start()

    def crash(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(b.ss, "import_version", crash)
    b.offer_snapshot(info, hashes[5])
    with pytest.raises(KeyboardInterrupt):
        for i, chunk in enumerate(chunks):
            b.apply_snapshot_chunk(i, chunk)
    b.close()
    monkeypatch.undo()
    with SeiDB(tmp_path / "b", CFG) as b:
        assert (b.last_height(), b.last_app_hash()) == (5, hashes[5])
        assert list(b.read_view().iterate("bank", None, None)) == want
