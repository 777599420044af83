"""Merkle-Patricia roots over a block's EVM txs and receipts, blooms and the header size.

The roots are Ethereum's: the key of item i is ``rlp(i)``, the value its canonical encoding
(the signed tx bytes; the receipt ``type ‖ rlp([status, cumulativeGas, bloom, logs])``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import rlp
from eth_bloom import BloomFilter
from eth_hash.auto import keccak
from trie import HexaryTrie

from evm_bridge.api import LEGACY_TX, EvmLog

EMPTY_ROOT = keccak(rlp.encode(b""))
EMPTY_UNCLES = keccak(rlp.encode([]))


def trie_root(items: Sequence[bytes]) -> bytes:
    if not items:
        return EMPTY_ROOT
    t = HexaryTrie({})
    for i, item in enumerate(items):
        t[rlp.encode(i)] = item
    return t.root_hash


def receipt_encoding(tx_type: int, status: int, cumulative_gas: int, bloom: bytes, logs: Iterable[EvmLog]) -> bytes:
    body = rlp.encode([status, cumulative_gas, bloom, [[lg.address, list(lg.topics), lg.data] for lg in logs]])
    return body if tx_type == LEGACY_TX else bytes([tx_type]) + body


def logs_bloom(logs: Iterable[EvmLog]) -> bytes:
    bloom = BloomFilter()
    for lg in logs:
        bloom.add(lg.address)
        for t in lg.topics:
            bloom.add(t)
    return int(bloom).to_bytes(256, "big")


def or_blooms(blooms: Iterable[bytes]) -> bytes:
    acc = 0
    for b in blooms:
        acc |= int.from_bytes(b, "big")
    return acc.to_bytes(256, "big")


def bloom_may_contain(bloom: bytes, value: bytes) -> bool:
    return value in BloomFilter(int.from_bytes(bloom, "big"))
