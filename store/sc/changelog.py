"""The SC changelog: an append-only log of change sets, one entry per height.

Files ``<first height, 20 digits>.wal`` in one folder (segments; a new one starts after
each snapshot height so whole segments can be dropped once a snapshot covers them).
Entry::

    be32(len(payload)) ‖ be32(crc32(payload)) ‖ payload      payload = encode_changeset(...)

``append`` fsyncs before returning. ``open`` cuts a torn or corrupt tail off the LAST
segment (a crash mid-append); corruption anywhere else is an error.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from store.api import ChangeSet
from store.encoding import decode_changeset, encode_changeset

_HEADER = 8


class ChangelogCorrupt(RuntimeError):
    pass


def _scan(data: bytes) -> tuple[list[tuple[int, bytes]], int]:
    """(list of (offset, payload) of the valid prefix, end offset of that prefix)."""
    out: list[tuple[int, bytes]] = []
    pos = 0
    while pos + _HEADER <= len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        crc = int.from_bytes(data[pos + 4 : pos + 8], "big")
        end = pos + _HEADER + size
        if end > len(data):
            break
        payload = data[pos + _HEADER : end]
        if zlib.crc32(payload) != crc:
            break
        out.append((pos, payload))
        pos = end
    return out, pos


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Changelog:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._segments: list[int] = []  # first heights, ascending
        self._last = 0
        self._file: BinaryIO | None = None

    def open(self) -> int:
        """Scan the log, cut a torn tail; returns the last durable height (0 if none)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._segments = sorted(int(p.stem) for p in self.folder.glob("*.wal"))
        self._last = 0
        while self._segments:
            path = self._path(self._segments[-1])
            data = path.read_bytes()
            entries, end = _scan(data)
            if end < len(data):
                with open(path, "r+b") as f:
                    f.truncate(end)
                    f.flush()
                    os.fsync(f.fileno())
            if entries:
                self._last = decode_changeset(entries[-1][1])[0]
                break
            path.unlink()
            self._segments.pop()
            _fsync_dir(self.folder)
        return self._last

    def _path(self, first: int) -> Path:
        return self.folder / f"{first:020d}.wal"

    def last_version(self) -> int:
        return self._last

    def first_version(self) -> int:
        return self._segments[0] if self._segments else 0

    def append(self, version: int, changeset: ChangeSet, new_segment: bool = False) -> None:
        if self._last and version != self._last + 1:
            raise ValueError(f"changelog expects height {self._last + 1}, got {version}")
        payload = encode_changeset(version, changeset)
        if new_segment or not self._segments:
            self._close_file()
            self._segments.append(version)
            self._file = open(self._path(version), "ab")  # noqa: SIM115
            _fsync_dir(self.folder)
        elif self._file is None:
            self._file = open(self._path(self._segments[-1]), "ab")  # noqa: SIM115
        f = self._file
        assert f is not None
        f.write(len(payload).to_bytes(4, "big") + zlib.crc32(payload).to_bytes(4, "big") + payload)
        f.flush()
        os.fsync(f.fileno())
        self._last = version

    def entries(self, after: int = 0) -> Iterator[tuple[int, ChangeSet]]:
        """Change sets of heights > ``after``, in order."""
        segs = self._segments
        for i, first in enumerate(segs):
            if i + 1 < len(segs) and segs[i + 1] <= after + 1:
                continue
            data = self._path(first).read_bytes()
            entries, end = _scan(data)
            if end != len(data):
                raise ChangelogCorrupt(f"corrupt changelog segment {first}")
            for _, payload in entries:
                version, cs = decode_changeset(payload)
                if version > after:
                    yield version, cs

    def prune(self, upto: int) -> None:
        """Delete whole segments whose heights are all <= ``upto``."""
        while len(self._segments) > 1 and self._segments[1] - 1 <= upto:
            self._path(self._segments.pop(0)).unlink(missing_ok=True)

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def close(self) -> None:
        self._close_file()
