"""IAVL existence and absence proofs, their encoding and their verification.

A path step (one inner node, bottom-up) records what its hash needs besides the child we
come from: height, size, version, the side of that child (0 = left, sibling on the right;
1 = right) and the sibling's hash. Encoding::

    leaf proof  = lp(key) ‖ lp(sha256(value)) ‖ uvarint(leaf version) ‖ uvarint(#steps) ‖
                  per step: uvarint(height) ‖ uvarint(size) ‖ uvarint(version) ‖ u8(side) ‖ lp(sibling)
    tree proof  = 0x01 ‖ leaf proof                          (key present)
                | 0x02 ‖ u8(has left) ‖ [leaf proof] ‖ u8(has right) ‖ [leaf proof]   (key absent)

An absence proof gives the neighbours left < key < right and shows they are adjacent: the
same path above their lowest common ancestor, left below it only ever a right child,
right only ever a left child (a lone neighbour must be the first or last leaf).
"""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256

from store.encoding import Reader, lp, svarint, uvarint
from store.sc.node import Node

Step = tuple[int, int, int, int, bytes]  # height, size, version, side, sibling hash


@dataclass(frozen=True)
class LeafProof:
    key: bytes
    value_hash: bytes
    version: int
    steps: tuple[Step, ...]

    def root(self) -> bytes:
        h = sha256(svarint(0) + svarint(1) + svarint(self.version) + lp(self.key) + lp(self.value_hash)).digest()
        for height, size, version, side, sibling in self.steps:
            head = svarint(height) + svarint(size) + svarint(version)
            pair = lp(h) + lp(sibling) if side == 0 else lp(sibling) + lp(h)
            h = sha256(head + pair).digest()
        return h

    def encode(self) -> bytes:
        parts = [lp(self.key), lp(self.value_hash), uvarint(self.version), uvarint(len(self.steps))]
        for height, size, version, side, sibling in self.steps:
            parts.append(uvarint(height) + uvarint(size) + uvarint(version) + bytes([side]) + lp(sibling))
        return b"".join(parts)

    @staticmethod
    def decode(r: Reader) -> LeafProof:
        key, value_hash, version = r.lp(), r.lp(), r.uvarint()
        steps = []
        for _ in range(r.uvarint()):
            height, size, nver = r.uvarint(), r.uvarint(), r.uvarint()
            side = r.raw(1)[0]
            if side > 1:
                raise ValueError("bad side")
            steps.append((height, size, nver, side, r.lp()))
        return LeafProof(key, value_hash, version, tuple(steps))


def _rank(root: Node, key: bytes) -> int:
    """Number of leaves with a key < ``key``."""
    n, rank = root, 0
    while n.height:
        if key < n.key:
            n = n.left  # type: ignore[assignment]
        else:
            rank += n.left.size  # type: ignore[union-attr]
            n = n.right  # type: ignore[assignment]
    return rank + (1 if n.key < key else 0)


def prove_index(root: Node, index: int) -> LeafProof:
    steps: list[Step] = []
    n = root
    while n.height:
        left, right = n.left, n.right
        assert left is not None and right is not None
        if index < left.size:
            steps.append((n.height, n.size, n.version, 0, right.hash()))
            n = left
        else:
            steps.append((n.height, n.size, n.version, 1, left.hash()))
            index -= left.size
            n = right
    assert n.value is not None
    return LeafProof(n.key, sha256(n.value).digest(), n.version, tuple(reversed(steps)))


def prove(root: Node, key: bytes) -> bytes:
    """The encoded tree proof of ``key`` (present or absent) in a non-empty tree."""
    rank = _rank(root, key)
    if rank < root.size:
        found = prove_index(root, rank)
        if found.key == key:
            return b"\x01" + found.encode()
    left = prove_index(root, rank - 1).encode() if rank > 0 else b""
    right = prove_index(root, rank).encode() if rank < root.size else b""
    return b"\x02" + bytes([bool(left)]) + left + bytes([bool(right)]) + right


def _edge(p: LeafProof, side: int) -> bool:
    return all(s[3] == side for s in p.steps)


def _adjacent(left: LeafProof, right: LeafProof) -> bool:
    lt, rt = left.steps[::-1], right.steps[::-1]  # top-down
    i = 0
    while i < min(len(lt), len(rt)) and lt[i] == rt[i]:
        i += 1
    if i >= len(lt) or i >= len(rt):
        return False
    a, b = lt[i], rt[i]
    if a[:3] != b[:3] or a[3] != 0 or b[3] != 1:
        return False
    return all(s[3] == 1 for s in lt[i + 1 :]) and all(s[3] == 0 for s in rt[i + 1 :])


def verify(data: bytes, key: bytes, value: bytes | None) -> bytes:
    """The tree root a proof implies for (key, value) (None = absent); ``ValueError`` if the
    proof does not show that."""
    r = Reader(data, 1)
    tag = data[:1]
    if tag == b"\x01":
        p = LeafProof.decode(r)
        if value is None or p.key != key or p.value_hash != sha256(value).digest():
            raise ValueError("existence proof does not match key/value")
        root = p.root()
    elif tag == b"\x02":
        if value is not None:
            raise ValueError("absence proof for a present value")
        left = LeafProof.decode(r) if r.raw(1) == b"\x01" else None
        right = LeafProof.decode(r) if r.raw(1) == b"\x01" else None
        if left is None and right is None:
            raise ValueError("absence proof without neighbours")
        if left is not None and not left.key < key:
            raise ValueError("left neighbour not below key")
        if right is not None and not key < right.key:
            raise ValueError("right neighbour not above key")
        if left is not None and right is not None:
            if left.root() != right.root() or not _adjacent(left, right):
                raise ValueError("neighbours not adjacent")
        elif left is not None and not _edge(left, 1):
            raise ValueError("left neighbour is not the last leaf")
        elif right is not None and not _edge(right, 0):
            raise ValueError("right neighbour is not the first leaf")
        root = (left or right).root()  # type: ignore[union-attr]
    else:
        raise ValueError("unknown proof tag")
    if not r.done():
        raise ValueError("trailing bytes in proof")
    return root
