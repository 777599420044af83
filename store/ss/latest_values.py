"""``LatestValues``: the newest value of recently read or written keys of the RocksDB state
store, each with the version it holds from, so a read at or after that version skips
RocksDB.

Why: a latest-version read is one iterator seek, and a seek visits every sorted run the
database holds (the memtable, each level-0 file, each level), so it grows slower as a
loaded node's database grows: 3 us on a compacted database, 9-10 us with two or three
level-0 files beside the memtable (``bench``-style probe, 300k keys). Under load the same
keys are read again and again (a sender's account in CheckTx, then in FinalizeBlock, then
by its next tx), and a dict lookup costs a tenth of a microsecond.

An entry ``head -> (value, since)`` says: ``head``'s value (None: absent) is ``value`` at
every version from ``since`` to the store's latest. It stays true because:

* the store calls ``written`` with every key of a new version *before* that version
  becomes the latest: each entry of a written key is replaced by ``(value, version)``, so a
  reader at an older version misses (``since`` above its version) and reads RocksDB;
* a reader ``offer``s what it read only if its version was the latest when it began, and
  only ``setdefault``s: an entry a write put there since is never replaced;
* entries are only ever dropped all at once (``clear``, or ``written`` past ``limit``),
  which bumps ``generation``; an offer begun before that is refused, as it may carry a
  value a dropped write replaced.

Thread-safe: ``offer``, ``written`` and ``clear`` take one lock; lookups read ``entries``
without it (a dict read is atomic).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

#: Entries kept before a write clears them all (~250 bytes each).
DEFAULT_LIMIT = 1 << 17


class LatestValues:
    """Recently read or written heads' newest values, with the version each holds from."""

    __slots__ = ("entries", "generation", "limit", "_lock")

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.entries: dict[bytes, tuple[bytes | None, int]] = {}
        self.generation = 0
        self.limit = limit
        self._lock = threading.Lock()

    def offer(self, head: bytes, value: bytes | None, version: int, generation: int) -> None:
        """``head`` read as ``value`` at ``version``, which was the store's latest when the
        read began, at ``generation``."""
        with self._lock:
            if generation == self.generation and len(self.entries) < self.limit:
                self.entries.setdefault(head, (value, version))

    def written(self, version: int, heads: Sequence[tuple[bytes, bytes | None]]) -> None:
        """``heads`` get these values at ``version``; call before ``version`` becomes the
        store's latest."""
        with self._lock:
            if len(self.entries) + len(heads) > self.limit:
                self.entries.clear()
                self.generation += 1
            entries = self.entries
            for head, value in heads:
                entries[head] = (value, version)

    def clear(self) -> None:
        """Forget everything (a whole state imported)."""
        with self._lock:
            self.entries.clear()
            self.generation += 1
