"""The SC changelog: durable appends, segments, torn-tail repair."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.api import ChangeSet
from store.sc.changelog import Changelog, ChangelogCorrupt


def change(v: int) -> ChangeSet:
    return ChangeSet.from_writes({"bank": {b"k%d" % v: b"v", b"old": None}})


def fill(folder: Path, upto: int, every: int = 0) -> Changelog:
    log = Changelog(folder)
    log.open()
    for v in range(1, upto + 1):
        log.append(v, change(v), new_segment=bool(every) and (v - 1) % every == 0)
    return log


def test_reopen_and_replay(tmp_path: Path) -> None:
    fill(tmp_path, 10, every=4).close()
    log = Changelog(tmp_path)
    assert log.open() == 10
    assert [v for v, _ in log.entries(after=5)] == [6, 7, 8, 9, 10]
    assert dict(log.entries())[3] == change(3)
    with pytest.raises(ValueError):
        log.append(12, change(12))


@pytest.mark.parametrize("cut", [1, 5, 9, 20])
def test_torn_tail_is_cut(tmp_path: Path, cut: int) -> None:
    fill(tmp_path, 6).close()
    seg = next(tmp_path.glob("*.wal"))
    data = seg.read_bytes()
    seg.write_bytes(data[:-cut])
    log = Changelog(tmp_path)
    assert log.open() == 5
    assert seg.stat().st_size < len(data)
    log.append(6, change(6))
    log.close()
    assert Changelog(tmp_path).open() == 6


def test_corrupt_checksum_in_tail_is_cut(tmp_path: Path) -> None:
    fill(tmp_path, 3).close()
    seg = next(tmp_path.glob("*.wal"))
    data = bytearray(seg.read_bytes())
    data[-1] ^= 0xFF
    seg.write_bytes(bytes(data))
    assert Changelog(tmp_path).open() == 2


def test_corruption_inside_an_old_segment_is_an_error(tmp_path: Path) -> None:
    fill(tmp_path, 8, every=4).close()
    first = sorted(tmp_path.glob("*.wal"))[0]
    first.write_bytes(first.read_bytes()[:-3])
    log = Changelog(tmp_path)
    log.open()
    with pytest.raises(ChangelogCorrupt):
        list(log.entries())


def test_prune_whole_segments(tmp_path: Path) -> None:
    log = fill(tmp_path, 12, every=4)
    log.prune(8)
    assert log.first_version() == 9
    assert [v for v, _ in log.entries()] == [9, 10, 11, 12]
