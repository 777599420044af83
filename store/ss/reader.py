"""Reading the SS from another process: ``RocksOpener`` (picklable) opens a
``RocksReader``, a RocksDB secondary instance that catches up with the writer on demand.

Catching up replays the primary's new WAL records; it happens only when a view of a
version newer than the last one seen is asked for (once per block for an OCC worker).
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from store.ss.rocks import RocksStateStore, VersionUnavailable
from store.ss.rocks_view import RocksView


class RocksReader:
    """A ``VersionedReader`` over a secondary instance of the node's SS."""

    def __init__(self, path: str, secondary_root: str) -> None:
        self._secondary_dir = Path(secondary_root) / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._secondary_dir.mkdir(parents=True, exist_ok=True)
        self._ss = RocksStateStore(path, secondary_path=self._secondary_dir)

    def view(self, version: int) -> RocksView:
        ss = self._ss
        if version > ss.latest_version():
            ss.catch_up()
        if version > ss.latest_version() or version < ss.earliest_version():
            raise VersionUnavailable(
                f"version {version} not in [{ss.earliest_version()}, {ss.latest_version()}]"
            )
        return ss.view(version)

    def close(self) -> None:
        self._ss.close()
        shutil.rmtree(self._secondary_dir, ignore_errors=True)


@dataclass(frozen=True)
class RocksOpener:
    """A ``StateOpener``: the SS path and a folder for secondary instances' own files."""

    path: str
    secondary_root: str

    def open(self) -> RocksReader:
        return RocksReader(self.path, self.secondary_root)
