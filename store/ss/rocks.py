"""``RocksStateStore``: the SS on RocksDB (``rocksdict``), key layout in ``store.ss.keys``.

A latest-version read is one iterator seek on a per-thread iterator that is refreshed
after every write (an iterator sees the data of its creation time), unless the key's newest
value is in ``latest_values`` (``store.ss.latest_values``: recently read or written keys).
The same class opens the database as a read-only secondary inside worker processes
(``catch_up``; no ``latest_values`` there).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from rocksdict import AccessType, Options, Rdict, RdictIter, WriteBatch

from store.api import ChangeSet
from store.ss import keys as K
from store.ss.keys import decode_value, head
from store.ss.latest_values import DEFAULT_LIMIT, LatestValues
from store.ss.rocks_view import RocksView

_PRUNE_BATCH = 10_000


class _ThreadIter(threading.local):
    """Each thread's reusable read iterator and the write generation it was made at."""

    it: RdictIter | None = None
    gen: int = -1


class VersionUnavailable(LookupError):
    """The requested version is newer than the latest or older than the earliest kept."""


def _options(secondary: bool) -> Options:
    opts = Options(raw_mode=True)
    opts.create_if_missing(not secondary)
    opts.set_max_open_files(-1)
    return opts


class RocksStateStore:
    """Versioned key/values in one RocksDB. Thread-safe for reads; one writer.
    ``cache_entries``: ``latest_values``' limit (0: none)."""

    def __init__(
        self, path: str | Path, secondary_path: str | Path | None = None, cache_entries: int = DEFAULT_LIMIT
    ) -> None:
        self.path = str(path)
        self.secondary = secondary_path is not None
        if secondary_path is None:
            self._db = Rdict(self.path, _options(False))
        else:
            access = AccessType.secondary(str(secondary_path))
            self._db = Rdict(self.path, _options(True), access_type=access)
        self._generation = 0
        self.latest_values = None if self.secondary or cache_entries <= 0 else LatestValues(cache_entries)
        self._local = _ThreadIter()
        self._prefixes: dict[str, bytes] = {}
        self._latest = self._read_meta(K.META_LATEST)
        self._earliest = self._read_meta(K.META_EARLIEST)

    # -- metadata ---------------------------------------------------------------------
    def _read_meta(self, key: bytes) -> int:
        raw = self._db.get(key)
        return int.from_bytes(raw, "big") if raw else 0

    def latest_version(self) -> int:
        return self._latest

    def earliest_version(self) -> int:
        return self._earliest

    def catch_up(self) -> int:
        """Secondary only: replay the primary's new writes; returns the new latest version."""
        self._db.try_catch_up_with_primary()
        self._latest = self._read_meta(K.META_LATEST)
        self._earliest = self._read_meta(K.META_EARLIEST)
        self._generation += 1
        return self._latest

    # -- reads ------------------------------------------------------------------------
    def _prefix(self, store: str) -> bytes:
        p = self._prefixes.get(store)
        if p is None:
            p = self._prefixes[store] = K.store_prefix(store)
        return p

    def _fresh_iter(self) -> RdictIter:
        loc = self._local
        loc.it = self._db.iter()
        loc.gen = self._generation
        return loc.it

    def get(self, store: str, key: bytes, version: int) -> bytes | None:
        h = head(self._prefixes.get(store) or self._prefix(store), key)
        cache = self.latest_values
        if cache is not None:
            hit = cache.entries.get(h)
            if hit is not None and hit[1] <= version:
                return hit[0]
            generation, fresh = cache.generation, version == self._latest
        loc = self._local
        it = loc.it if loc.gen == self._generation else self._fresh_iter()
        it.seek(h + K.version_suffix(version))
        if not it.valid() or not it.key().startswith(h):  # heads are prefix-free
            value = None
        else:
            value = decode_value(it.value())
        if cache is not None and fresh:
            cache.offer(h, value, version, generation)
        return value

    def view(self, version: int) -> RocksView:
        """A fast ``ReadView`` at ``version`` (see ``store.ss.rocks_view``)."""
        return RocksView(self, version, self._db.iter(), self.latest_values)

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, version: int, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        prefix = self._prefix(store)
        lo = K.head(prefix, start) if start is not None else prefix
        hi = K.head(prefix, end) if end is not None else K.prefix_end(prefix)
        if lo >= hi:
            return iter(())
        walk = self._reverse if reverse else self._forward
        return walk(self._db.iter(), len(prefix), lo, hi, K.version_suffix(version))

    @staticmethod
    def _forward(it: RdictIter, plen: int, lo: bytes, hi: bytes, vs: bytes) -> Iterator[tuple[bytes, bytes]]:
        n = -K.VERSION_BYTES
        it.seek(lo)
        while it.valid():
            entry = it.key()
            if entry >= hi:
                return
            h = entry[:n]
            if entry[n:] < vs:  # newer than the version read: seek to the newest <= it
                it.seek(h + vs)
                if not it.valid():
                    return
                if it.key()[:n] != h:
                    continue  # no version of h <= v; the iterator already sits on the next key
            value = decode_value(it.value())
            if value is not None:
                yield K.user_key(plen, h), value
            it.seek(K.next_head(h))

    @staticmethod
    def _reverse(it: RdictIter, plen: int, lo: bytes, hi: bytes, vs: bytes) -> Iterator[tuple[bytes, bytes]]:
        n = -K.VERSION_BYTES
        it.seek_for_prev(hi)
        while it.valid():
            entry = it.key()
            if entry < lo:
                return
            h = entry[:n]
            it.seek(h + vs)
            if it.valid() and it.key()[:n] == h:
                value = decode_value(it.value())
                if value is not None:
                    yield K.user_key(plen, h), value
            it.seek_for_prev(h)

    # -- writes -----------------------------------------------------------------------
    def apply(self, version: int, changeset: ChangeSet) -> None:
        if self.secondary:
            raise PermissionError("secondary state store is read-only")
        if version <= self._latest:
            raise ValueError(f"version {version} <= latest {self._latest}")
        batch = WriteBatch(raw_mode=True)
        suffix = K.version_suffix(version)
        heads: list[tuple[bytes, bytes | None]] = []
        for store, pairs in changeset.changes.items():
            prefix = self._prefix(store)
            for key, value in pairs:
                h = head(prefix, key)
                batch.put(h + suffix, K.encode_value(value))
                heads.append((h, value))
        batch.put(K.META_LATEST, K.be64(version))
        if self._earliest == 0:
            batch.put(K.META_EARLIEST, K.be64(version))
        cache = self.latest_values
        if cache is not None:
            cache.written(version, heads)  # before the version is the latest
        try:
            self._db.write(batch)
        except BaseException:
            if cache is not None:
                cache.clear()  # its entries at ``version`` were never written
            raise
        self._latest = version
        if self._earliest == 0:
            self._earliest = version
        self._generation += 1

    def import_version(self, version: int, items: Iterator[tuple[str, bytes, bytes]]) -> None:
        """Write a whole state as ``version`` (state sync, SS rebuild) in bounded batches.

        ``m/latest`` is written last, so an interrupted import is simply redone."""
        if version <= self._latest:
            raise ValueError(f"version {version} <= latest {self._latest}")
        if self.latest_values is not None:
            self.latest_values.clear()
        suffix = K.version_suffix(version)
        batch = WriteBatch(raw_mode=True)
        for store, key, value in items:
            batch.put(head(self._prefix(store), key) + suffix, K.encode_value(value))
            if batch.len() >= _PRUNE_BATCH:
                self._db.write(batch)
                batch = WriteBatch(raw_mode=True)
        batch.put(K.META_LATEST, K.be64(version))
        if self._earliest == 0:
            batch.put(K.META_EARLIEST, K.be64(version))
        self._db.write(batch)
        self._latest = version
        self._earliest = self._earliest or version
        self._generation += 1

    def prune(self, keep_recent: int) -> None:
        """Drop versions no reader of the last ``keep_recent`` heights needs.

        For each key, versions newer than the cut stay; of the rest only the newest stays
        (unless it is a tombstone). ``m/earliest`` moves first, so readers never see a
        half-pruned height. Runs in the caller's thread; see ``store.ss.pruner``.
        """
        if keep_recent <= 0 or self.secondary:
            return
        cut = self._latest - keep_recent  # versions <= cut become unreadable
        if cut < self._earliest:
            return
        self._db.put(K.META_EARLIEST, K.be64(cut + 1))
        self._earliest = cut + 1
        cut_suffix = K.version_suffix(cut)
        batch = WriteBatch(raw_mode=True)
        it = self._db.iter()
        n = -K.VERSION_BYTES
        it.seek(K.DATA)
        current, kept = b"", False
        while it.valid():
            entry = it.key()
            if not entry.startswith(K.DATA):
                break
            h = entry[:n]
            if h != current:
                current, kept = h, False
            if entry[n:] >= cut_suffix:  # version <= cut
                if kept or it.value() == K.TOMBSTONE:
                    batch.delete(entry)
                    if batch.len() >= _PRUNE_BATCH:
                        self._db.write(batch)
                        batch = WriteBatch(raw_mode=True)
                kept = True
            it.next()
        if not batch.is_empty():
            self._db.write(batch)
        self._generation += 1

    def compact(self) -> None:
        """Flush and compact everything (benchmarks, after a large prune)."""
        self._db.flush(True)
        self._db.compact_range(None, None)

    def close(self) -> None:
        self._local = _ThreadIter()
        self._db.close()
