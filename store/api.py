"""Interfaces of the store package: views, the change set, and the two layers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

#: Module store names known to the node. Order here is irrelevant: every hash sorts by name.
STORE_NAMES: tuple[str, ...] = ("acc", "bank", "staking", "evm", "wasm", "params", "distr", "meta")

#: A state key as execution addresses it: (module store name, key).
StoreKey = tuple[str, bytes]
#: A layer of buffered writes, the one layout every overlay uses (``store.overlay``): None is
#: a delete.
Writes = dict[StoreKey, bytes | None]


class ReadView(Protocol):
    """Read-only access to key/values of named module stores at one fixed version."""

    def get(self, store: str, key: bytes) -> bytes | None:
        """The value of ``key`` in ``store``, or None when absent."""
        ...

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        """Pairs with ``start <= key < end`` (None = unbounded) in key order (or reversed)."""
        ...


class KVView(ReadView, Protocol):
    """What execution code sees: reads plus buffered writes. Writes go nowhere until the
    owner of the view (the scheduler, a query, a test) collects them."""

    def set(self, store: str, key: bytes, value: bytes) -> None: ...

    def delete(self, store: str, key: bytes) -> None: ...


@dataclass(frozen=True)
class ChangeSet:
    """The ordered writes of one height: store name -> key-sorted ``(key, value | None)``.

    ``None`` is a delete. Built with ``ChangeSet.from_writes`` so the order is canonical.
    """

    changes: Mapping[str, tuple[tuple[bytes, bytes | None], ...]] = field(default_factory=dict)

    @staticmethod
    def from_writes(writes: Mapping[str, Mapping[bytes, bytes | None]]) -> ChangeSet:
        # sorting the keys alone, then looking values up, beats sorting (key, value) pairs
        return ChangeSet(
            {
                name: tuple([(k, kv[k]) for k in sorted(kv)])
                for name, kv in sorted(writes.items())
                if kv
            }
        )

    def merged(self, later: ChangeSet) -> ChangeSet:
        """This change set followed by ``later`` (later writes win)."""
        acc: dict[str, dict[bytes, bytes | None]] = {}
        for cs in (self, later):
            for name, pairs in cs.changes.items():
                acc.setdefault(name, {}).update(pairs)
        return ChangeSet.from_writes(acc)

    def __len__(self) -> int:
        return sum(len(p) for p in self.changes.values())


class StateStore(Protocol):
    """SS: versioned raw key/values. Version = block height."""

    def get(self, store: str, key: bytes, version: int) -> bytes | None: ...

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, version: int, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]: ...

    def apply(self, version: int, changeset: ChangeSet) -> None:
        """Write one height's change set atomically."""
        ...

    def latest_version(self) -> int: ...

    def earliest_version(self) -> int: ...

    def prune(self, keep_recent: int) -> None: ...


class Committer(Protocol):
    """SC: commitment trees. ``stage`` computes the next root; ``commit`` makes it durable."""

    def stage(self, version: int, changeset: ChangeSet) -> bytes:
        """Apply the change set as ``version`` in memory and return the resulting app hash."""
        ...

    def commit(self) -> None:
        """Make the staged version durable (changelog fsync) before returning."""
        ...

    def last_version(self) -> int: ...

    def last_hash(self) -> bytes: ...


@dataclass(frozen=True)
class QueryResult:
    """A raw store read for ABCI ``Query``: value (None = absent) and optional proof ops."""

    value: bytes | None
    height: int
    proof_ops: tuple[tuple[str, bytes, bytes], ...] = ()  # (type, key, data)


class VersionedReader(Protocol):
    """Read access to the state store opened inside another process (an OCC worker)."""

    def view(self, version: int) -> ReadView:
        """A read view at ``version``; catches up with the writer first if needed."""
        ...

    def close(self) -> None: ...


class StateOpener(Protocol):
    """A small picklable recipe that opens a ``VersionedReader`` in the process calling it."""

    def open(self) -> VersionedReader: ...


class Database(Protocol):
    """The node's whole store (implemented by ``store.multistore.SeiDB``).

    Lifecycle: construct (opens nothing) -> ``start()`` (open RocksDB, load the newest SC
    snapshot, replay the changelog, start background pruning) -> per height ``stage`` then
    ``commit`` -> ``close()``.
    """

    def start(self) -> None: ...

    def close(self) -> None: ...

    def last_height(self) -> int:
        """Last committed (durable) height; 0 for a fresh store."""
        ...

    def last_app_hash(self) -> bytes:
        """App hash of ``last_height()`` (the empty-state hash for a fresh store)."""
        ...

    def read_view(self, version: int | None = None) -> ReadView:
        """State after ``version`` was committed (None = the newest the state store holds:
        the last committed, or the one before while Commit writes it)."""
        ...

    def stage(self, height: int, changeset: ChangeSet) -> bytes:
        """Compute height's app hash from the change set, in memory only (FinalizeBlock)."""
        ...

    def commit(self) -> None:
        """Make the staged height durable (changelog fsynced, SS batch written) (Commit)."""
        ...

    def query(self, store: str, key: bytes, height: int | None = None, prove: bool = False) -> QueryResult: ...

    def state_opener(self) -> StateOpener:
        """A recipe that lets a worker process read committed versions on its own."""
        ...
