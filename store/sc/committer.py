"""``CommitStore``: the SC ``Committer`` -- a ``MultiTree`` made durable by the changelog
and periodic background snapshots.

Start: load the newest readable snapshot, replay the changelog after it. Commit: fsync the
changelog entry, then publish the staged roots; every ``snapshot_interval`` heights a
background thread writes a snapshot of the (immutable) committed roots.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from store.api import ChangeSet
from store.pause_points import NO_PAUSES, PausePoints
from store.sc import multitree
from store.sc.changelog import Changelog
from store.sc.multitree import MultiTree, Roots
from store.sc.snapshot import SnapshotStore

log = logging.getLogger(__name__)


class CommitStore:
    def __init__(
        self,
        folder: str | Path,
        snapshot_interval: int = 10_000,
        snapshot_keep_recent: int = 1,
        pause_points: PausePoints = NO_PAUSES,
    ) -> None:
        self.folder = Path(folder)
        self.changelog = Changelog(self.folder / "changelog")
        self.snapshots = SnapshotStore(self.folder / "snapshots", pause_points)
        self.trees = MultiTree()
        self.snapshot_interval = snapshot_interval
        self.snapshot_keep_recent = snapshot_keep_recent
        self._staged: tuple[int, ChangeSet, Roots, bytes] | None = None
        self._snap_thread: threading.Thread | None = None
        self._snap_done = 0  # newest snapshot height written in the background
        #: The snapshot ``open`` started from (height, roots), kept until SS is checked.
        self.base: tuple[int, Roots] = (0, {})

    # -- lifecycle --------------------------------------------------------------------
    def open(self) -> int:
        """Rebuild the trees from snapshot + changelog; returns the last durable height."""
        self.snapshots.open()
        last = self.changelog.open()
        base = self._load_snapshot()
        if last > base:
            first = self.changelog.first_version()
            if first > base + 1:
                raise RuntimeError(f"changelog starts at {first}, snapshot is at {base}")
            for version, cs in self.changelog.entries(after=base):
                self.trees.replay(version, cs)
        return self.trees.version

    def _load_snapshot(self) -> int:
        for height in reversed(self.snapshots.heights()):
            try:
                version, roots, recorded = self.snapshots.load(height)
            except (OSError, ValueError) as err:
                log.warning("skipping unreadable snapshot %d: %s", height, err)
                continue
            computed = multitree.app_hash(roots)
            if computed != recorded:
                log.warning("skipping snapshot %d: app hash mismatch", height)
                continue
            self.trees.reset(version, roots, computed)
            self.base = (version, roots)
            return version
        self.trees.reset(0, {})
        return 0

    def close(self) -> None:
        self.wait_snapshot()
        self.changelog.close()

    # -- Committer --------------------------------------------------------------------
    def last_version(self) -> int:
        return self.trees.version

    def last_hash(self) -> bytes:
        return self.trees.hash

    def stage(self, version: int, changeset: ChangeSet) -> bytes:
        cur = self.trees.version
        if cur and version != cur + 1:
            raise ValueError(f"stage: expected height {cur + 1}, got {version}")
        if version <= cur:
            raise ValueError(f"stage: height {version} not after {cur}")
        roots = multitree.apply(self.trees.roots, version, changeset)
        app_hash = multitree.app_hash(roots)
        self._staged = (version, changeset, roots, app_hash)
        return app_hash

    def staged(self) -> tuple[int, ChangeSet] | None:
        return None if self._staged is None else self._staged[:2]

    def commit(self) -> None:
        if self._staged is None:
            raise RuntimeError("commit without a staged height")
        version, cs, roots, app_hash = self._staged
        interval = self.snapshot_interval
        new_segment = bool(interval) and (version - 1) % interval == 0
        self.changelog.append(version, cs, new_segment=new_segment)
        self.trees.advance(version, roots, app_hash)
        self._staged = None
        if self._snap_done:
            oldest = self.snapshots.heights()[0] if self.snapshots.heights() else 0
            self.changelog.prune(oldest)
            self._snap_done = 0
        if interval and version % interval == 0:
            self.snapshot_async()

    # -- snapshots --------------------------------------------------------------------
    def snapshot_async(self) -> bool:
        """Start writing a snapshot of the committed trees; False if one is still running."""
        if self._snap_thread is not None and self._snap_thread.is_alive():
            log.warning("snapshot at %d skipped: previous one still running", self.trees.version)
            return False
        version, roots, app_hash = self.trees.version, self.trees.roots, self.trees.hash
        self._snap_thread = threading.Thread(
            target=self._write_snapshot, args=(version, roots, app_hash), name="sc-snapshot", daemon=True
        )
        self._snap_thread.start()
        return True

    def _write_snapshot(self, version: int, roots: Roots, app_hash: bytes) -> None:
        try:
            self.snapshots.write(version, roots, app_hash)
            self.snapshots.prune(self.snapshot_keep_recent)
            self._snap_done = version
        except Exception:
            log.exception("snapshot at %d failed", version)

    def wait_snapshot(self) -> None:
        if self._snap_thread is not None:
            self._snap_thread.join()
            self._snap_thread = None

    def install(self, version: int, roots: Roots, app_hash: bytes) -> None:
        """Adopt restored trees (state sync) as height ``version`` and snapshot them now."""
        self.wait_snapshot()
        self.snapshots.write(version, roots, app_hash)
        self.trees.reset(version, roots, app_hash)
        self.base = (version, roots)
        self._staged = None
