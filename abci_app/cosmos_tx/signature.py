"""secp256k1 signatures of native txs: 64-byte ``r || s`` with low s over sha256(message)."""

from __future__ import annotations

from coincurve.ecdsa import cdata_to_der, deserialize_compact

from ledger.addresses import public_key

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def verify_secp256k1(pubkey: bytes, sig: bytes, message: bytes) -> bool:
    """True when ``sig`` is a valid low-s signature of sha256(``message``) by ``pubkey``."""
    if len(sig) != 64:
        return False
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    if not (0 < r < SECP256K1_N and 0 < s <= SECP256K1_N // 2):
        return False
    try:
        der = cdata_to_der(deserialize_compact(sig))
        return public_key(pubkey).verify(der, message)
    except ValueError:
        return False
