"""Key/value backends of the index: RocksDB (rocksdict) for nodes, a dict for tests."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

from rocksdict import AccessType, Options, Rdict, WriteBatch


class IndexKV(Protocol):
    def get(self, key: bytes) -> bytes | None: ...

    def write(self, pairs: Sequence[tuple[bytes, bytes | None]]) -> None:
        """Write all pairs atomically (a None value deletes the key)."""
        ...

    def scan(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        """Pairs whose key starts with ``prefix`` (from ``start`` on), in key order."""
        ...

    def catch_up(self) -> None:
        """A follower of another process's store: see what it has written (else nothing)."""
        ...

    def close(self) -> None: ...


class MemoryKV:
    def __init__(self) -> None:
        self._data: dict[bytes, bytes] = {}
        self._keys: list[bytes] = []

    def get(self, key: bytes) -> bytes | None:
        return self._data.get(key)

    def write(self, pairs: Sequence[tuple[bytes, bytes | None]]) -> None:
        for k, v in pairs:
            if v is None:
                if self._data.pop(k, None) is not None:
                    self._keys.remove(k)
                continue
            if k not in self._data:
                bisect.insort(self._keys, k)
            self._data[k] = v

    def scan(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        i = bisect.bisect_left(self._keys, max(prefix, start or prefix))
        keys = self._keys
        while i < len(keys) and keys[i].startswith(prefix):
            yield keys[i], self._data[keys[i]]
            i += 1

    def catch_up(self) -> None:
        pass

    def close(self) -> None:
        pass


class RocksKV:
    """One RocksDB; a batch is one ``WriteBatch`` written with the WAL (crash-safe). With
    ``secondary`` (a folder of its own), a read-only follower of the one another process
    writes: ``catch_up`` brings it to what that one has written."""

    def __init__(self, path: str | Path, secondary: str | Path | None = None) -> None:
        opts = Options(raw_mode=True)
        self.secondary = secondary is not None
        if secondary is None:
            Path(path).mkdir(parents=True, exist_ok=True)
            opts.create_if_missing(True)
            self._db = Rdict(str(path), opts)
        else:
            opts.set_max_open_files(-1)  # a secondary needs every file open to follow the primary
            self._db = Rdict(str(path), opts, access_type=AccessType.secondary(str(secondary)))

    def catch_up(self) -> None:
        """A secondary: see everything the primary has written (the primary sees it all)."""
        if self.secondary:
            self._db.try_catch_up_with_primary()

    def get(self, key: bytes) -> bytes | None:
        return self._db.get(key)

    def write(self, pairs: Sequence[tuple[bytes, bytes | None]]) -> None:
        wb = WriteBatch(raw_mode=True)
        for k, v in pairs:
            if v is None:
                wb.delete(k)
            else:
                wb.put(k, v)
        self._db.write(wb)

    def scan(self, prefix: bytes, start: bytes | None = None) -> Iterator[tuple[bytes, bytes]]:
        it = self._db.iter()
        it.seek(max(prefix, start or prefix))
        while it.valid():
            k = it.key()
            if not k.startswith(prefix):
                break
            yield k, it.value()
            it.next()

    def close(self) -> None:
        self._db.close()
