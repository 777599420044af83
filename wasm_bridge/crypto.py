"""Signature checks offered to contracts, with CosmWasm's result codes.

Verify functions return 0 (valid), 1 (invalid) or an error code > 1: 3 bad hash,
4 bad signature, 5 bad public key, 6 bad recovery parameter, 7 batch shape mismatch.
secp256k1 signatures are 64-byte ``r ‖ s`` and high ``s`` is accepted (normalised first),
as cosmwasm-crypto does; ed25519 uses RFC 8032 verification.
"""

from __future__ import annotations

import coincurve
from Crypto.Signature import eddsa

VALID, INVALID = 0, 1
BAD_HASH, BAD_SIGNATURE, BAD_PUBKEY, BAD_RECOVERY_PARAM, BATCH_MISMATCH = 3, 4, 5, 6, 7
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _der_int(n: int) -> bytes:
    raw = n.to_bytes(32, "big").lstrip(b"\x00") or b"\x00"
    if raw[0] & 0x80:
        raw = b"\x00" + raw
    return b"\x02" + bytes([len(raw)]) + raw


def _normalised_der(sig: bytes) -> bytes | None:
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    if not (0 < r < _N and 0 < s < _N):
        return None
    if s > _N // 2:
        s = _N - s
    body = _der_int(r) + _der_int(s)
    return b"\x30" + bytes([len(body)]) + body


def secp256k1_verify(msg_hash: bytes, sig: bytes, pubkey: bytes) -> int:
    if len(msg_hash) != 32:
        return BAD_HASH
    if len(sig) != 64:
        return BAD_SIGNATURE
    if len(pubkey) not in (33, 65):
        return BAD_PUBKEY
    try:
        key = coincurve.PublicKey(pubkey)
    except (ValueError, TypeError):
        return BAD_PUBKEY
    der = _normalised_der(sig)
    if der is None:
        return INVALID
    try:
        return VALID if key.verify(der, msg_hash, hasher=None) else INVALID
    except (ValueError, TypeError):
        return INVALID


def secp256k1_recover(msg_hash: bytes, sig: bytes, param: int) -> tuple[int, bytes]:
    """(0, 65-byte uncompressed key) or (error code, b"")."""
    if len(msg_hash) != 32:
        return BAD_HASH, b""
    if len(sig) != 64:
        return BAD_SIGNATURE, b""
    if param not in (0, 1):
        return BAD_RECOVERY_PARAM, b""
    try:
        key = coincurve.PublicKey.from_signature_and_message(sig + bytes([param]), msg_hash, hasher=None)
    except (ValueError, TypeError):
        return BAD_SIGNATURE, b""
    return VALID, key.format(compressed=False)


def ed25519_verify(message: bytes, sig: bytes, pubkey: bytes) -> int:
    if len(sig) != 64:
        return BAD_SIGNATURE
    if len(pubkey) != 32:
        return BAD_PUBKEY
    try:
        key = eddsa.import_public_key(pubkey)
    except ValueError:
        return INVALID
    try:
        eddsa.new(key, "rfc8032").verify(message, sig)
    except ValueError:
        return INVALID
    return VALID


def ed25519_batch_verify(messages: list[bytes], sigs: list[bytes], pubkeys: list[bytes]) -> int:
    """All must verify. One message (or one key) may stand for all signatures."""
    n = len(sigs)
    if len(messages) == 1 and n > 1:
        messages = messages * n
    if len(pubkeys) == 1 and n > 1:
        pubkeys = pubkeys * n
    if not (len(messages) == len(pubkeys) == n):
        return BATCH_MISMATCH
    for m, s, k in zip(messages, sigs, pubkeys, strict=True):
        code = ed25519_verify(m, s, k)
        if code != VALID:
            return code
    return VALID


__all__ = ["ed25519_batch_verify", "ed25519_verify", "secp256k1_recover", "secp256k1_verify"]
