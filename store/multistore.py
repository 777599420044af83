"""``SeiDB``: the node's ``Database`` -- SS (RocksDB) for reads, SC (IAVL trees) for the
app hash, kept in step.

Per height: ``stage`` (FinalizeBlock) computes the app hash in memory; ``commit``
(Commit) appends + fsyncs the changelog entry, then writes the SS batch. A crash between
the two leaves SS one height behind; ``start`` replays the missing heights from the
changelog into SS. ``last_height`` is the changelog's last durable height. The loaded state
is handed to the garbage-collector policy (``store.gc_policy``) when one is given.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import TracebackType

from store.api import ChangeSet, QueryResult, ReadView
from store.config import StoreConfig
from store.gc_policy import GcPolicy
from store.pause_points import NO_PAUSES, PausePoints
from store.proofs import prove_key
from store.sc.committer import CommitStore
from store.sc.multitree import iter_leaves
from store.ss.pruner import Pruner
from store.ss.reader import RocksOpener
from store.ss.rocks import RocksStateStore, VersionUnavailable
from store.statesync import SnapshotInfo, StateSync


class SeiDB:
    """State store + state commitment under ``home`` (``ss/``, ``sc/``)."""

    def __init__(
        self,
        home: str | Path,
        config: StoreConfig | None = None,
        gc_policy: GcPolicy | None = None,
        pause_points: PausePoints = NO_PAUSES,
    ) -> None:
        self.home = Path(home)
        self.config = config or StoreConfig()
        self._gc_policy = gc_policy
        self._pause_points = pause_points
        self._ss: RocksStateStore | None = None
        self._sc: CommitStore | None = None
        self._pruner: Pruner | None = None
        self._sync: StateSync | None = None

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        cfg = self.config
        self.home.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self._secondary_root(), ignore_errors=True)
        self._ss = RocksStateStore(self.home / "ss", cache_entries=cfg.ss_cache_entries)
        self._sc = CommitStore(
            self.home / "sc", cfg.sc_snapshot_interval, cfg.sc_snapshot_keep_recent, self._pause_points
        )
        last = self._sc.open()
        self._repair_ss(last)
        self._sc.base = (0, {})
        if self._gc_policy is not None:
            self._gc_policy.after_load()  # the loaded trees live as long as the node
        self._pruner = Pruner(self._ss, cfg.ss_keep_recent)
        self._pruner.start()
        self._sync = StateSync(self._sc, self._ss, self.home / "sc" / "restore")

    def _repair_ss(self, last: int) -> None:
        ss, sc = self.ss, self.sc
        behind = ss.latest_version()
        if behind > last:
            raise RuntimeError(f"state store at {behind} is ahead of the commitment at {last}")
        if behind == last:
            return
        first = sc.changelog.first_version()
        if first and first <= behind + 1:
            for version, cs in sc.changelog.entries(after=behind):
                ss.apply(version, cs)
            return
        base, roots = sc.base
        if behind != 0 or base == 0 or (first and first > base + 1):
            raise RuntimeError(f"state store at {behind}, changelog from {first}, snapshot {base}: cannot repair")
        # empty (or half-imported) SS after a state-sync restore: rebuild it from the trees
        ss.import_version(base, iter_leaves(roots))
        for version, cs in sc.changelog.entries(after=base):
            ss.apply(version, cs)

    def close(self) -> None:
        if self._pruner is not None:
            self._pruner.close()
            self._pruner = None
        if self._sc is not None:
            self._sc.close()
            self._sc = None
        if self._ss is not None:
            self._ss.close()
            self._ss = None

    def __enter__(self) -> SeiDB:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def ss(self) -> RocksStateStore:
        if self._ss is None:
            raise RuntimeError("SeiDB not started")
        return self._ss

    @property
    def sc(self) -> CommitStore:
        if self._sc is None:
            raise RuntimeError("SeiDB not started")
        return self._sc

    def _secondary_root(self) -> Path:
        return self.home / "ss-readers"

    # -- Database ---------------------------------------------------------------------
    def last_height(self) -> int:
        return self.sc.last_version()

    def last_app_hash(self) -> bytes:
        return self.sc.last_hash()

    def earliest_height(self) -> int:
        """Oldest height SS can still read."""
        return self.ss.earliest_version()

    def earliest_proof_height(self) -> int:
        """Oldest height ``query(..., prove=True)`` can prove: the commitment keeps a few
        heights of roots, and the value comes from the state store."""
        return max(self.sc.trees.oldest_version(), self.earliest_height())

    def readable_height(self) -> int:
        """The newest height SS can read: between the commitment's commit and the state
        store's write (``commit``) it is the one before ``last_height``."""
        return min(self.last_height(), self.ss.latest_version())

    def read_view(self, version: int | None = None) -> ReadView:
        last = self.last_height()
        v = self.readable_height() if version is None else version
        if v > last or (v < self.ss.earliest_version() and v != last):
            raise VersionUnavailable(f"version {v} not in [{self.ss.earliest_version()}, {last}]")
        return self.ss.view(v)

    def stage(self, height: int, changeset: ChangeSet) -> bytes:
        return self.sc.stage(height, changeset)

    def commit(self) -> None:
        staged = self.sc.staged()
        if staged is None:
            raise RuntimeError("commit without a staged height")
        version, cs = staged
        self.sc.commit()
        self._pause_points.reach("commit.after_changelog")
        self.ss.apply(version, cs)
        self._pause_points.reach("commit.after_state_store")
        interval = self.config.ss_prune_interval_heights
        if self._pruner is not None and interval and version % interval == 0:
            self._pruner.request()

    def query(self, store: str, key: bytes, height: int | None = None, prove: bool = False) -> QueryResult:
        h = self.readable_height() if height is None else height
        value = self.read_view(h).get(store, key)
        if not prove:
            return QueryResult(value, h)
        roots = self.sc.trees.roots_at(h)
        if roots is None:
            raise VersionUnavailable(f"no commitment trees kept for height {h}")
        return QueryResult(value, h, prove_key(roots, store, key))

    def state_opener(self) -> RocksOpener:
        return RocksOpener(str(self.home / "ss"), str(self._secondary_root()))

    # -- state sync (ABCI ListSnapshots / LoadSnapshotChunk / OfferSnapshot / ApplySnapshotChunk)
    @property
    def _state_sync(self) -> StateSync:
        if self._sync is None:
            raise RuntimeError("SeiDB not started")
        return self._sync

    def list_snapshots(self) -> list[SnapshotInfo]:
        return self._state_sync.list_snapshots()

    def load_snapshot_chunk(self, height: int, format: int, chunk: int) -> bytes:  # noqa: A002
        return self._state_sync.load_snapshot_chunk(height, format, chunk)

    def offer_snapshot(self, info: SnapshotInfo, app_hash: bytes) -> bool:
        return self._state_sync.offer_snapshot(info, app_hash)

    def apply_snapshot_chunk(self, index: int, chunk: bytes) -> bool:
        """True when accepted; raises ``ValueError`` if the completed snapshot is bad."""
        return self._state_sync.apply_snapshot_chunk(index, chunk)

    def wait_background(self, timeout: float | None = None) -> None:
        """Wait for a running snapshot and prune (tests, benchmarks)."""
        self.sc.wait_snapshot()
        if self._pruner is not None:
            self._pruner.wait_idle(timeout)
