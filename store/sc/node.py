"""IAVL+ nodes and their hash.

Leaves (height 0) hold a key and value; inner nodes hold the smallest key of their right
subtree, a height, the number of leaves below them (size) and two children. A node is
immutable once its version is committed; nodes of the version being staged are edited in
place (nothing committed points at them).

Node hash (as cosmos/iavl; ``svarint`` = zig-zag signed varint, ``lp`` = uvarint length
prefix)::

    leaf:  sha256(svarint(0) ‖ svarint(1) ‖ svarint(version) ‖ lp(key) ‖ lp(sha256(value)))
    inner: sha256(svarint(height) ‖ svarint(size) ‖ svarint(version) ‖ lp(left.hash) ‖ lp(right.hash))

The empty tree has no root and is hashed as ``sha256(b"")``.
"""

from __future__ import annotations

from functools import lru_cache
from hashlib import sha256

from store.encoding import lp, svarint

EMPTY_HASH = sha256(b"").digest()
_LP32 = b"\x20"  # lp() prefix of a 32-byte hash
_sv = lru_cache(maxsize=1 << 16)(svarint)


class Node:
    __slots__ = ("key", "value", "version", "height", "size", "left", "right", "_hash")

    def __init__(
        self,
        key: bytes,
        value: bytes | None,
        version: int,
        height: int = 0,
        size: int = 1,
        left: Node | None = None,
        right: Node | None = None,
    ) -> None:
        self.key = key
        self.value = value
        self.version = version
        self.height = height
        self.size = size
        self.left = left
        self.right = right
        self._hash: bytes | None = None

    @staticmethod
    def leaf(key: bytes, value: bytes, version: int) -> Node:
        return Node(key, value, version)

    @staticmethod
    def inner(key: bytes, version: int, left: Node, right: Node) -> Node:
        n = Node(key, None, version, 0, 0, left, right)
        n.update()
        return n

    def is_leaf(self) -> bool:
        return self.height == 0

    def update(self) -> None:
        """Recompute height and size from the children; forget the cached hash."""
        lft, rgt = self.left, self.right
        assert lft is not None and rgt is not None
        self.height = max(lft.height, rgt.height) + 1
        self.size = lft.size + rgt.size
        self._hash = None

    def copy(self, version: int) -> Node:
        """This node for ``version``: itself if already created in it, else a fresh copy."""
        if self.version == version:
            self._hash = None
            return self
        n = _new(Node)
        n.key, n.value, n.version, n.height = self.key, self.value, version, self.height
        n.size, n.left, n.right, n._hash = self.size, self.left, self.right, None
        return n

    def hash(self) -> bytes:
        h = self._hash
        if h is None:
            h = self._hash = sha256(self.hash_preimage()).digest()
        return h

    def hash_preimage(self) -> bytes:
        head = _sv(self.height) + _sv(self.size) + _sv(self.version)
        if self.height == 0:
            assert self.value is not None
            return head + lp(self.key) + _LP32 + sha256(self.value).digest()
        assert self.left is not None and self.right is not None
        return head + _LP32 + self.left.hash() + _LP32 + self.right.hash()


_new = object.__new__


def root_hash(root: Node | None) -> bytes:
    return EMPTY_HASH if root is None else root.hash()
