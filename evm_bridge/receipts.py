"""What a receipt derives from its logs, defined once: the logs bloom (Ethereum's 2048-bit
filter), a block's bloom, bloom membership (log filters), and a receipt's consensus
encoding, the value the receipts root commits to: ``rlp([status, cumulativeGas, bloom,
logs])``, prefixed by the type byte unless legacy.

Execution (``execute``) sets each receipt's bloom; the JSON-RPC index (``eth_rpc.index``)
adds the block-level facts a tx cannot know under OCC (its cumulative gas, the block bloom)
and encodes receipts for the root with ``receipt_encoding``.
"""

from __future__ import annotations

from collections.abc import Iterable

from eth_hash.auto import keccak

from evm_bridge.api import LEGACY_TX, EvmLog
from evm_bridge.rlpscan import encode_bytes, encode_list, encode_uint

EMPTY_BLOOM = bytes(256)


def _bloom_bits(item: bytes) -> int:
    """The three bits ``item`` sets: 11-bit indexes from the first three byte pairs of its keccak."""
    h = keccak(item)
    bits = 0
    for i in (0, 2, 4):
        bits |= 1 << (((h[i] << 8) | h[i + 1]) & 2047)
    return bits


def logs_bloom(logs: Iterable[EvmLog]) -> bytes:
    """The bloom of the log addresses and topics (256 bytes, big-endian bits)."""
    bits = 0
    for log in logs:
        for item in (log.address, *log.topics):
            bits |= _bloom_bits(item)
    return bits.to_bytes(256, "big")


def or_blooms(blooms: Iterable[bytes]) -> bytes:
    """The union of blooms (a block's bloom from its receipts')."""
    acc = 0
    for b in blooms:
        acc |= int.from_bytes(b, "big")
    return acc.to_bytes(256, "big")


def bloom_may_contain(bloom: bytes, item: bytes) -> bool:
    """False when ``item`` (an address or topic) is certainly not in ``bloom``."""
    bits = _bloom_bits(item)
    return int.from_bytes(bloom, "big") & bits == bits


def receipt_encoding(tx_type: int, status: int, cumulative_gas: int, bloom: bytes, logs: Iterable[EvmLog]) -> bytes:
    """The consensus encoding of a receipt (a leaf of the receipts trie, ``debug_getRawReceipts``)."""
    encoded_logs = encode_list(
        encode_list((encode_bytes(lg.address), encode_list(map(encode_bytes, lg.topics)), encode_bytes(lg.data)))
        for lg in logs
    )
    body = encode_list((encode_uint(status), encode_uint(cumulative_gas), encode_bytes(bloom), encoded_logs))
    return body if tx_type == LEGACY_TX else bytes([tx_type]) + body
