"""``MultiTree``: one IAVL tree per module store, the committed roots of the last few
heights, and the app hash (``store.sc.merkle``) over them. Memory only."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from store.api import ChangeSet
from store.sc import merkle, tree
from store.sc.node import Node

#: Committed heights whose roots stay reachable: proofs (ABCI queries with prove, eth_getProof)
#: at the newest 64 heights, ~25 s of blocks; older versions share all unchanged nodes.
KEEP_ROOTS = 64

Roots = dict[str, Node]


def apply(roots: Roots, version: int, changeset: ChangeSet) -> Roots:
    """New roots: ``roots`` with ``changeset`` applied as ``version`` (``roots`` unchanged,
    provided ``version`` is newer than all its nodes)."""
    out = dict(roots)
    for name in sorted(changeset.changes):
        root = out.get(name)
        for key, value in changeset.changes[name]:
            root = tree.remove(root, key, version) if value is None else tree.put(root, key, value, version)
        if root is None:
            out.pop(name, None)
        else:
            out[name] = root
    return out


def iter_leaves(roots: Roots) -> Iterator[tuple[str, bytes, bytes]]:
    """Every (store, key, value), stores by name, keys in order."""
    for name in sorted(roots):
        for key, value in tree.iterate(roots[name]):
            yield name, key, value


def app_hash(roots: Roots) -> bytes:
    return merkle.app_hash({name: r.hash() for name, r in roots.items()})


class MultiTree:
    def __init__(self) -> None:
        self.version = 0
        self.roots: Roots = {}
        self.hash = merkle.EMPTY_ROOT
        self._history: OrderedDict[int, Roots] = OrderedDict()

    def reset(self, version: int, roots: Roots, app_hash_: bytes | None = None) -> None:
        self.version = version
        self.roots = roots
        self.hash = app_hash(roots) if app_hash_ is None else app_hash_
        self._history.clear()
        self._history[version] = roots

    def advance(self, version: int, roots: Roots, app_hash_: bytes) -> None:
        self.version, self.roots, self.hash = version, roots, app_hash_
        self._history[version] = roots
        while len(self._history) > KEEP_ROOTS:
            self._history.popitem(last=False)

    def replay(self, version: int, changeset: ChangeSet) -> None:
        roots = apply(self.roots, version, changeset)
        self.advance(version, roots, app_hash(roots))

    def roots_at(self, version: int) -> Roots | None:
        return self._history.get(version)

    def oldest_version(self) -> int:
        """The oldest version whose roots are kept (proofs can be built at it and later)."""
        return next(iter(self._history), self.version)
