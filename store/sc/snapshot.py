"""SC snapshots: every tree of one height, exported node by node (shape, versions and all,
so the imported trees hash exactly as the originals).

Snapshot stream, format 1 (also the state-sync payload, cut into chunks)::

    b"PYSEISC1" ‖ uvarint(height) ‖ uvarint(#stores) ‖ per non-empty store, by name:
        lp(name) ‖ uvarint(#nodes) ‖ nodes in post-order (left, right, node):
            uvarint(node height) ‖ uvarint(node version) ‖ lp(key) ‖ [leaf only: lp(value)]

On disk: ``snapshots/<height, 20 digits>/state.bin`` and ``meta`` (= lp(app hash) ‖
lp(sha256(state.bin))). Written into ``tmp-<height>``, fsynced, then renamed: a folder
with a final name is always complete.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from hashlib import sha256
from pathlib import Path

from store.encoding import Reader, lp, uvarint
from store.pause_points import NO_PAUSES, PausePoints
from store.sc.node import Node

MAGIC = b"PYSEISC1"
FORMAT = 1


def export_nodes(root: Node) -> Iterator[bytes]:
    """Post-order records of every node under ``root`` (iterative)."""
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        n, seen = stack.pop()
        if n.height == 0:
            yield uvarint(0) + uvarint(n.version) + lp(n.key) + lp(n.value)  # type: ignore[arg-type]
        elif seen:
            yield uvarint(n.height) + uvarint(n.version) + lp(n.key)
        else:
            stack.append((n, True))
            stack.append((n.right, False))  # type: ignore[arg-type]
            stack.append((n.left, False))  # type: ignore[arg-type]


def export_stream(version: int, roots: Mapping[str, Node | None]) -> Iterator[bytes]:
    live = sorted(name for name, r in roots.items() if r is not None)
    yield MAGIC + uvarint(version) + uvarint(len(live))
    for name in live:
        root = roots[name]
        assert root is not None
        yield lp(name.encode()) + uvarint(2 * root.size - 1)
        yield from export_nodes(root)


def import_stream(data: bytes) -> tuple[int, dict[str, Node]]:
    """Rebuild the trees of a snapshot stream; raises ``ValueError`` if malformed."""
    if data[: len(MAGIC)] != MAGIC:
        raise ValueError("not a pysei SC snapshot (format 1)")
    r = Reader(data, len(MAGIC))
    version = r.uvarint()
    roots: dict[str, Node] = {}
    for _ in range(r.uvarint()):
        name = r.lp().decode()
        stack: list[Node] = []
        for _ in range(r.uvarint()):
            height, node_version, key = r.uvarint(), r.uvarint(), r.lp()
            if height == 0:
                stack.append(Node.leaf(key, r.lp(), node_version))
                continue
            if len(stack) < 2:
                raise ValueError("snapshot: inner node without two children")
            right, left = stack.pop(), stack.pop()
            n = Node.inner(key, node_version, left, right)
            if n.height != height:
                raise ValueError("snapshot: node height mismatch")
            stack.append(n)
        if len(stack) != 1:
            raise ValueError(f"snapshot: store {name} does not form one tree")
        roots[name] = stack[0]
    if not r.done():
        raise ValueError("snapshot: trailing bytes")
    return version, roots


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SnapshotStore:
    """The ``snapshots`` folder: write, list, load and prune snapshots."""

    def __init__(self, folder: str | Path, pause_points: PausePoints = NO_PAUSES) -> None:
        self.folder = Path(folder)
        self.pause_points = pause_points

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for tmp in self.folder.glob("tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)

    def heights(self) -> list[int]:
        return sorted(int(p.name) for p in self.folder.iterdir() if p.name.isdigit())

    def path(self, height: int) -> Path:
        return self.folder / f"{height:020d}"

    def write(self, version: int, roots: Mapping[str, Node | None], app_hash: bytes) -> Path:
        return self.write_stream(version, export_stream(version, roots), app_hash)

    def write_stream(self, version: int, chunks: Iterator[bytes], app_hash: bytes) -> Path:
        tmp = self.folder / f"tmp-{version}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        digest = sha256()
        with open(tmp / "state.bin", "wb", buffering=1 << 20) as f:
            for chunk in chunks:
                digest.update(chunk)
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        with open(tmp / "meta", "wb") as f:
            f.write(lp(app_hash) + lp(digest.digest()))
            f.flush()
            os.fsync(f.fileno())
        _fsync_path(tmp)
        self.pause_points.reach("snapshot.before_rename")
        final = self.path(version)
        shutil.rmtree(final, ignore_errors=True)
        os.rename(tmp, final)
        _fsync_path(self.folder)
        self.pause_points.reach("snapshot.after_rename")
        return final

    def meta(self, height: int) -> tuple[bytes, bytes]:
        """(app hash, sha256 of state.bin) of a snapshot."""
        r = Reader((self.path(height) / "meta").read_bytes())
        return r.lp(), r.lp()

    def load(self, height: int) -> tuple[int, dict[str, Node], bytes]:
        """(height, roots, recorded app hash); checks the stream's digest."""
        data = (self.path(height) / "state.bin").read_bytes()
        app_hash, digest = self.meta(height)
        if sha256(data).digest() != digest:
            raise ValueError(f"snapshot {height}: digest mismatch")
        version, roots = import_stream(data)
        if version != height:
            raise ValueError(f"snapshot {height}: stream says height {version}")
        return version, roots, app_hash

    def prune(self, keep_recent: int) -> None:
        """Keep the newest snapshot and ``keep_recent`` older ones."""
        for h in self.heights()[: -(keep_recent + 1)]:
            shutil.rmtree(self.path(h), ignore_errors=True)
