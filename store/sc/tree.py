"""IAVL+ operations on roots: get, put, remove, iterate. Pure functions of a root.

``put``/``remove`` return a new root for ``version``; the old root is untouched as long
as its nodes' versions are < ``version`` (copy-on-write; see ``store.sc.node``).
Rotations follow the AVL rules with IAVL's conventions (inner key = smallest key of the
right subtree; a rotated node keeps its key).
"""

from __future__ import annotations

from collections.abc import Iterator

from store.sc.node import Node


def get(root: Node | None, key: bytes) -> bytes | None:
    n = root
    if n is None:
        return None
    while n.height:
        n = n.left if key < n.key else n.right  # type: ignore[assignment]
    return n.value if n.key == key else None


def put(root: Node | None, key: bytes, value: bytes, version: int) -> Node:
    if root is None:
        return Node.leaf(key, value, version)
    return _set(root, key, value, version)[0]


def _set(node: Node, key: bytes, value: bytes, version: int) -> tuple[Node, bool]:
    """(new node, True if an existing key was updated (no shape change))."""
    if node.height == 0:
        if key < node.key:
            return Node.inner(node.key, version, Node.leaf(key, value, version), node), False
        if key > node.key:
            return Node.inner(key, version, node, Node.leaf(key, value, version)), False
        return Node.leaf(key, value, version), True
    n = node.copy(version)
    if key < n.key:
        n.left, updated = _set(n.left, key, value, version)  # type: ignore[arg-type]
    else:
        n.right, updated = _set(n.right, key, value, version)  # type: ignore[arg-type]
    if updated:
        return n, True
    n.update()
    return _balance(n, version), False


def remove(root: Node | None, key: bytes, version: int) -> Node | None:
    if root is None:
        return None
    new, _, removed = _remove(root, key, version)
    return new if removed else root


def _remove(node: Node, key: bytes, version: int) -> tuple[Node | None, bytes | None, bool]:
    """(new node or None, new leftmost key for the parent or None, removed?)."""
    if node.height == 0:
        return (None, None, True) if key == node.key else (node, None, False)
    if key < node.key:
        new_left, new_key, removed = _remove(node.left, key, version)  # type: ignore[arg-type]
        if not removed:
            return node, None, False
        if new_left is None:
            return node.right, node.key, True
        n = node.copy(version)
        n.left = new_left
        n.update()
        return _balance(n, version), new_key, True
    new_right, new_key, removed = _remove(node.right, key, version)  # type: ignore[arg-type]
    if not removed:
        return node, None, False
    if new_right is None:
        return node.left, None, True
    n = node.copy(version)
    n.right = new_right
    if new_key is not None:
        n.key = new_key
    n.update()
    return _balance(n, version), None, True


def _balance(n: Node, version: int) -> Node:
    lft, rgt = n.left, n.right
    assert lft is not None and rgt is not None
    factor = lft.height - rgt.height
    if factor > 1:
        if _factor(lft) < 0:
            n.left = _rotate_left(lft.copy(version), version)
        return _rotate_right(n, version)
    if factor < -1:
        if _factor(rgt) > 0:
            n.right = _rotate_right(rgt.copy(version), version)
        return _rotate_left(n, version)
    return n


def _factor(n: Node) -> int:
    if n.height == 0:
        return 0
    return n.left.height - n.right.height  # type: ignore[union-attr]


def _rotate_right(n: Node, version: int) -> Node:
    """Rotate ``n`` (already a node of ``version``) right; copies the pivot."""
    pivot = n.left.copy(version)  # type: ignore[union-attr]
    n.left = pivot.right
    pivot.right = n
    n.update()
    pivot.update()
    return pivot


def _rotate_left(n: Node, version: int) -> Node:
    pivot = n.right.copy(version)  # type: ignore[union-attr]
    n.right = pivot.left
    pivot.left = n
    n.update()
    pivot.update()
    return pivot


def iterate(
    root: Node | None, start: bytes | None = None, end: bytes | None = None
) -> Iterator[tuple[bytes, bytes]]:
    """Leaves with ``start <= key < end`` in key order."""
    stack: list[Node] = []
    n = root
    while stack or n is not None:
        while n is not None:
            if n.height == 0:
                if (start is None or n.key >= start) and (end is None or n.key < end):
                    yield n.key, n.value  # type: ignore[misc]
                elif end is not None and n.key >= end:
                    return
                n = None
                break
            stack.append(n)
            # skip the left subtree when every key in it is < start
            n = n.left if start is None or start < n.key else None
        if stack:
            top = stack.pop()
            n = top.right
            if end is not None and top.key >= end and n is not None:
                # every key of the right subtree is >= top.key >= end
                return


def leaf_count(root: Node | None) -> int:
    return 0 if root is None else root.size
