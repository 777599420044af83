"""Merkle-Patricia roots over a block's EVM txs and receipts, and the empty roots.

The roots are Ethereum's: the key of item i is ``rlp(i)``, the value its canonical encoding
(the signed tx bytes; the receipt's ``evm_bridge.receipts.receipt_encoding``). Nodes hold
only byte strings, so they are RLP-encoded here directly (a node is encoded once, from its
children's encodings, with ``evm_bridge.rlpscan``'s headers), not through pyrlp's general
encoder.
"""

from __future__ import annotations

from collections.abc import Sequence

import rlp
from eth_hash.auto import keccak

from evm_bridge.rlpscan import encode_bytes, encode_list, encode_uint

EMPTY_ROOT = keccak(rlp.encode(b""))
EMPTY_UNCLES = keccak(rlp.encode([]))


def _nibbles(key: bytes) -> tuple[int, ...]:
    return tuple(n for b in key for n in (b >> 4, b & 15))


def _hex_prefix(path: tuple[int, ...], leaf: bool) -> bytes:
    flag = 2 if leaf else 0
    nibs = (flag + 1, *path) if len(path) % 2 else (flag, 0, *path)
    return bytes(nibs[i] << 4 | nibs[i + 1] for i in range(0, len(nibs), 2))


def _ref(encoded: bytes) -> bytes:
    """How a parent embeds a child node (given its encoding): inline when under 32 bytes,
    else its hash."""
    return encoded if len(encoded) < 32 else encode_bytes(keccak(encoded))


def _node(pairs: list[tuple[tuple[int, ...], bytes]], depth: int) -> bytes:
    """The RLP encoding of the node holding ``pairs`` (sorted) below ``depth`` nibbles."""
    if len(pairs) == 1:
        path, value = pairs[0]
        return encode_list([encode_bytes(_hex_prefix(path[depth:], True)), encode_bytes(value)])
    first, last = pairs[0][0], pairs[-1][0]  # sorted: the common prefix of all is theirs
    common = 0
    while depth + common < min(len(first), len(last)) and first[depth + common] == last[depth + common]:
        common += 1
    if common:
        return encode_list([encode_bytes(_hex_prefix(first[depth:depth + common], False)), _ref(_node(pairs, depth + common))])
    branch = [b"\x80"] * 17
    groups: dict[int, list[tuple[tuple[int, ...], bytes]]] = {}
    for path, value in pairs:
        if len(path) == depth:
            branch[16] = encode_bytes(value)
        else:
            groups.setdefault(path[depth], []).append((path, value))
    for nib, group in groups.items():
        branch[nib] = _ref(_node(group, depth + 1))
    return encode_list(branch)


def trie_root(items: Sequence[bytes]) -> bytes:
    """Root of the trie ``rlp(i) -> items[i]`` (one pass over the sorted keys, no node store)."""
    if not items:
        return EMPTY_ROOT
    pairs = sorted((_nibbles(encode_uint(i)), item) for i, item in enumerate(items))
    return keccak(_node(pairs, 0))

