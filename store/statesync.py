"""State sync: serve SC snapshots in chunks and restore one on a fresh node.

A snapshot offered to peers is the snapshot stream of ``store.sc.snapshot`` (format 1),
cut into ``CHUNK_SIZE`` pieces::

    SnapshotInfo.hash     = sha256(whole stream)
    SnapshotInfo.metadata = sha256(chunk 0) ‖ sha256(chunk 1) ‖ ...   (32 bytes each)

so every chunk is checked on arrival and the whole on completion; the rebuilt trees must
then give the app hash the light client trusted, before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from store.sc.committer import CommitStore
from store.sc.multitree import app_hash, iter_leaves
from store.sc.snapshot import FORMAT, import_stream
from store.ss.rocks import RocksStateStore

CHUNK_SIZE = 4 << 20


@dataclass(frozen=True)
class SnapshotInfo:
    """CometBFT's ``Snapshot``: height, format, chunk count, hash, metadata."""

    height: int
    format: int
    chunks: int
    hash: bytes
    metadata: bytes


@dataclass
class _Restore:
    info: SnapshotInfo
    app_hash: bytes
    path: Path
    next_chunk: int = 0


class StateSync:
    """Snapshot provider and restorer over one node's SC and SS."""

    def __init__(self, sc: CommitStore, ss: RocksStateStore, workdir: Path) -> None:
        self._sc = sc
        self._ss = ss
        self._workdir = workdir
        self._infos: dict[int, SnapshotInfo] = {}
        self._restore: _Restore | None = None

    # -- serving ----------------------------------------------------------------------
    def list_snapshots(self) -> list[SnapshotInfo]:
        heights = self._sc.snapshots.heights()
        self._infos = {h: self._infos.get(h) or self._describe(h) for h in heights}
        return [self._infos[h] for h in heights]

    def _describe(self, height: int) -> SnapshotInfo:
        path = self._sc.snapshots.path(height) / "state.bin"
        hashes = []
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK_SIZE):
                hashes.append(sha256(chunk).digest())
        _, digest = self._sc.snapshots.meta(height)
        return SnapshotInfo(height, FORMAT, len(hashes), digest, b"".join(hashes))

    def load_snapshot_chunk(self, height: int, format: int, chunk: int) -> bytes:  # noqa: A002
        if format != FORMAT or height not in self._sc.snapshots.heights():
            return b""
        with open(self._sc.snapshots.path(height) / "state.bin", "rb") as f:
            f.seek(chunk * CHUNK_SIZE)
            return f.read(CHUNK_SIZE)

    # -- restoring --------------------------------------------------------------------
    def offer_snapshot(self, info: SnapshotInfo, trusted_app_hash: bytes) -> bool:
        """Accept a snapshot to restore (only on a node with no state yet)."""
        if info.format != FORMAT or info.height <= 0 or info.chunks <= 0:
            return False
        if len(info.metadata) != 32 * info.chunks or self._sc.last_version() != 0:
            return False
        self._workdir.mkdir(parents=True, exist_ok=True)
        path = self._workdir / "incoming.bin"
        path.write_bytes(b"")
        self._restore = _Restore(info, trusted_app_hash, path)
        return True

    def apply_snapshot_chunk(self, index: int, chunk: bytes) -> bool:
        """Take chunk ``index``; False if it is unexpected or its hash is wrong (refetch).
        The last chunk triggers the restore (trees checked against the trusted app hash)."""
        r = self._restore
        if r is None or index != r.next_chunk:
            return False
        if sha256(chunk).digest() != r.info.metadata[32 * index : 32 * index + 32]:
            return False
        with open(r.path, "ab") as f:
            f.write(chunk)
        r.next_chunk += 1
        if r.next_chunk == r.info.chunks:
            self._finish(r)
        return True

    def restoring(self) -> bool:
        return self._restore is not None

    def _finish(self, r: _Restore) -> None:
        self._restore = None
        data = r.path.read_bytes()
        r.path.unlink()
        if sha256(data).digest() != r.info.hash:
            raise ValueError("snapshot stream hash mismatch")
        version, roots = import_stream(data)
        if version != r.info.height:
            raise ValueError("snapshot stream height mismatch")
        computed = app_hash(roots)
        if computed != r.app_hash:
            raise ValueError("restored state does not match the trusted app hash")
        self._sc.install(version, roots, computed)  # durable first: SS is rebuilt from it on a crash
        self._ss.import_version(version, iter_leaves(roots))
