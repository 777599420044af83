"""SC snapshots on disk: a crash mid-write leaves no trace, an unreadable newest snapshot
falls back to an older one plus the changelog, old snapshots and segments are pruned."""

from __future__ import annotations

from pathlib import Path

from store.api import ChangeSet
from store.sc.committer import CommitStore


def change(v: int) -> ChangeSet:
    return ChangeSet.from_writes({"bank": {b"k%d" % (v % 6): b"%d" % v}, "acc": {b"n": b"%d" % v}})


def build(folder: Path, upto: int, interval: int = 4, keep: int = 1) -> dict[int, bytes]:
    sc = CommitStore(folder, snapshot_interval=interval, snapshot_keep_recent=keep)
    sc.open()
    hashes = {}
    for v in range(1, upto + 1):
        hashes[v] = sc.stage(v, change(v))
        sc.commit()
        sc.wait_snapshot()
    sc.close()
    return hashes


def test_snapshots_and_segments_pruned(tmp_path: Path) -> None:
    build(tmp_path, 17)
    sc = CommitStore(tmp_path, snapshot_interval=4)
    assert sc.open() == 17
    assert sc.snapshots.heights() == [12, 16]
    assert sc.changelog.first_version() == 13


def test_half_written_snapshot_is_ignored(tmp_path: Path) -> None:
    hashes = build(tmp_path, 10)
    tmp = tmp_path / "snapshots" / "tmp-12"
    tmp.mkdir()
    (tmp / "state.bin").write_bytes(b"PYSEISC1 partial")
    sc = CommitStore(tmp_path, snapshot_interval=4)
    assert sc.open() == 10 and sc.last_hash() == hashes[10]
    assert not tmp.exists()


def test_corrupt_newest_snapshot_falls_back(tmp_path: Path) -> None:
    hashes = build(tmp_path, 10)
    newest = tmp_path / "snapshots" / f"{8:020d}" / "state.bin"
    data = bytearray(newest.read_bytes())
    data[len(data) // 2] ^= 0xFF
    newest.write_bytes(bytes(data))
    sc = CommitStore(tmp_path, snapshot_interval=4)
    assert sc.open() == 10 and sc.last_hash() == hashes[10]
