"""Receipts: the logs bloom and a canonical byte encoding for storing receipts.

Encoding (RLP list, for the block and tx-hash indexes): ``[tx_hash, type, status,
gas_used, cumulative_gas_used, [[address, [topics...], data]...], contract_address or
b"", effective_gas_price, sender, to or b"", output, error]``. The bloom is recomputed
from the logs on decode (it is a pure function of them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import rlp
from eth_hash.auto import keccak

from evm_bridge.api import EvmLog, EvmReceipt

EMPTY_BLOOM = bytes(256)


def logs_bloom(logs: Iterable[EvmLog]) -> bytes:
    """The 2048-bit Ethereum bloom of the log addresses and topics."""
    bits = 0
    for log in logs:
        for item in (log.address, *log.topics):
            h = keccak(item)
            for i in (0, 2, 4):
                bits |= 1 << (((h[i] << 8) | h[i + 1]) & 2047)
    return bits.to_bytes(256, "big")


def block_bloom(receipts: Sequence[EvmReceipt]) -> bytes:
    acc = 0
    for r in receipts:
        acc |= int.from_bytes(r.bloom, "big")
    return acc.to_bytes(256, "big")


def encode_receipt(r: EvmReceipt) -> bytes:
    return rlp.encode([
        r.tx_hash, r.type, r.status, r.gas_used, r.cumulative_gas_used,
        [[log.address, list(log.topics), log.data] for log in r.logs],
        r.contract_address or b"", r.effective_gas_price, r.sender, r.to or b"",
        r.output, r.error.encode(),
    ])


def _u(b: bytes) -> int:
    return int.from_bytes(b, "big")


def decode_receipt(raw: bytes) -> EvmReceipt:
    f = rlp.decode(raw)
    logs = tuple(EvmLog(a, tuple(t), d) for a, t, d in f[5])
    return EvmReceipt(
        tx_hash=f[0], type=_u(f[1]), status=_u(f[2]), gas_used=_u(f[3]),
        cumulative_gas_used=_u(f[4]), logs=logs, bloom=logs_bloom(logs),
        contract_address=f[6] or None, effective_gas_price=_u(f[7]), sender=f[8],
        to=f[9] or None, output=f[10], error=f[11].decode(),
    )
