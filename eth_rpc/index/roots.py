"""Merkle-Patricia roots over a block's EVM txs and receipts, and the empty roots.

The roots are Ethereum's: the key of item i is ``rlp(i)``, the value its canonical encoding
(the signed tx bytes; the receipt's ``evm_bridge.receipts.receipt_encoding``).
"""

from __future__ import annotations

from collections.abc import Sequence

import rlp
from eth_hash.auto import keccak

EMPTY_ROOT = keccak(rlp.encode(b""))
EMPTY_UNCLES = keccak(rlp.encode([]))


def _nibbles(key: bytes) -> tuple[int, ...]:
    return tuple(n for b in key for n in (b >> 4, b & 15))


def _hex_prefix(path: tuple[int, ...], leaf: bool) -> bytes:
    flag = 2 if leaf else 0
    nibs = (flag + 1, *path) if len(path) % 2 else (flag, 0, *path)
    return bytes(nibs[i] << 4 | nibs[i + 1] for i in range(0, len(nibs), 2))


def _ref(node: list) -> object:
    """How a parent refers to a child: inline when its encoding is under 32 bytes."""
    enc = rlp.encode(node)
    return node if len(enc) < 32 else keccak(enc)


def _node(pairs: list[tuple[tuple[int, ...], bytes]], depth: int) -> list:
    if len(pairs) == 1:
        path, value = pairs[0]
        return [_hex_prefix(path[depth:], True), value]
    first, last = pairs[0][0], pairs[-1][0]  # sorted: the common prefix of all is theirs
    common = 0
    while depth + common < min(len(first), len(last)) and first[depth + common] == last[depth + common]:
        common += 1
    if common:
        return [_hex_prefix(first[depth:depth + common], False), _ref(_node(pairs, depth + common))]
    branch: list = [b""] * 17
    groups: dict[int, list[tuple[tuple[int, ...], bytes]]] = {}
    for path, value in pairs:
        if len(path) == depth:
            branch[16] = value
        else:
            groups.setdefault(path[depth], []).append((path, value))
    for nib, group in groups.items():
        branch[nib] = _ref(_node(group, depth + 1))
    return branch


def trie_root(items: Sequence[bytes]) -> bytes:
    """Root of the trie ``rlp(i) -> items[i]`` (one pass over the sorted keys, no node store)."""
    if not items:
        return EMPTY_ROOT
    pairs = sorted((_nibbles(rlp.encode(i)), item) for i, item in enumerate(items))
    return keccak(rlp.encode(_node(pairs, 0)))
