"""The app hash: an RFC 6962-style simple Merkle tree over the module stores.

Leaves, sorted by store name, one per store whose tree is NOT empty (an empty store is
omitted, so the hash never depends on which stores are mounted)::

    leaf  = sha256(0x00 ‖ lp(name) ‖ lp(sha256(tree root hash)))
    inner = sha256(0x01 ‖ left ‖ right)
    root(0 leaves) = sha256(b"");  root(1 leaf) = that leaf;
    root(n) = inner(root(first k), root(rest)), k = largest power of two < n

(the CommitInfo hash of Cosmos multistores).
"""

from __future__ import annotations

from hashlib import sha256

from store.encoding import lp

EMPTY_ROOT = sha256(b"").digest()


def leaf_hash(name: str, tree_root: bytes) -> bytes:
    return sha256(b"\x00" + lp(name.encode()) + lp(sha256(tree_root).digest())).digest()


def _inner(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves: list[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return _inner(root(leaves[:k]), root(leaves[k:]))


def app_hash(tree_roots: dict[str, bytes]) -> bytes:
    """Root over the sorted ``(name, tree root)`` pairs of non-empty stores."""
    return root([leaf_hash(name, tree_roots[name]) for name in sorted(tree_roots)])
