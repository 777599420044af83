"""IAVL+ tree operations: a dict is the oracle; AVL invariants hold; old roots never change."""

from __future__ import annotations

import random

from store.sc import tree
from store.sc.node import EMPTY_HASH, Node, root_hash


def check_invariants(n: Node | None) -> None:
    if n is None or n.height == 0:
        return
    assert n.left is not None and n.right is not None
    assert abs(n.left.height - n.right.height) <= 1
    assert n.height == max(n.left.height, n.right.height) + 1
    assert n.size == n.left.size + n.right.size
    assert n.key == next(tree.iterate(n.right))[0]
    check_invariants(n.left)
    check_invariants(n.right)


def test_random_ops_match_dict() -> None:
    rng = random.Random(7)
    root: Node | None = None
    model: dict[bytes, bytes] = {}
    for version in range(1, 40):
        for _ in range(30):
            key = b"k%03d" % rng.randrange(120)
            if rng.random() < 0.3:
                root = tree.remove(root, key, version)
                model.pop(key, None)
            else:
                value = b"v%d" % rng.randrange(1000)
                root = tree.put(root, key, value, version)
                model[key] = value
        check_invariants(root)
        assert list(tree.iterate(root)) == sorted(model.items())
        assert tree.leaf_count(root) == len(model)
        for key in (b"k000", b"k050", b"k119", b"nope"):
            assert tree.get(root, key) == model.get(key)


def test_old_roots_are_immutable() -> None:
    root = None
    for i in range(50):
        root = tree.put(root, b"%02d" % i, b"x", 1)
    assert root is not None
    h1 = root.hash()
    items1 = list(tree.iterate(root))
    new = root
    for i in range(0, 50, 3):
        new = tree.remove(new, b"%02d" % i, 2)
    new = tree.put(new, b"zz", b"y", 2)
    assert root.hash() == h1 and list(tree.iterate(root)) == items1
    assert root_hash(new) != h1


def test_range_iteration() -> None:
    root = None
    keys = [b"%03d" % i for i in range(0, 100, 2)]
    for k in keys:
        root = tree.put(root, k, k, 1)
    for lo, hi in [(b"010", b"020"), (b"011", b"019"), (None, b"004"), (b"096", None), (b"5", b"4")]:
        want = [(k, k) for k in keys if (lo is None or k >= lo) and (hi is None or k < hi)]
        assert list(tree.iterate(root, lo, hi)) == want


def test_empty_and_single() -> None:
    assert root_hash(None) == EMPTY_HASH
    one = tree.put(None, b"a", b"1", 1)
    assert tree.remove(one, b"a", 2) is None
    assert tree.remove(one, b"b", 2) is one


def fresh_hash(n: Node) -> bytes:
    """The hash recomputed from scratch, ignoring cached hashes."""
    copy = Node(n.key, n.value, n.version, n.height, n.size)
    if n.height:
        copy.left, copy.right = Node(b"", b"", 0), Node(b"", b"", 0)
        copy.left._hash = fresh_hash(n.left)  # type: ignore[arg-type]
        copy.right._hash = fresh_hash(n.right)  # type: ignore[arg-type]
    return copy.hash()


def test_rotations_never_touch_committed_nodes() -> None:
    rng = random.Random(11)
    root: Node | None = None
    history: list[tuple[Node | None, bytes, list[tuple[bytes, bytes]]]] = []
    for version in range(1, 60):
        for _ in range(25):
            key = b"%03d" % rng.randrange(200)
            if rng.random() < 0.45:
                root = tree.remove(root, key, version)
            else:
                root = tree.put(root, key, b"%d" % version, version)
        history.append((root, root_hash(root), list(tree.iterate(root))))
    for old, h, items in history:
        assert list(tree.iterate(old)) == items
        assert (EMPTY_HASH if old is None else fresh_hash(old)) == h
        check_invariants(old)
