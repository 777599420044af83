"""EIP-191 personal messages: who signed ``message``, from ``v``, ``r`` and ``s`` as the
hex strings wallets hand out (``personal_sign`` / ethers' ``signMessage``). The addr
precompile's ``associate`` and the gasless association tx both prove a key this way."""

from __future__ import annotations

from coincurve import PublicKey
from eth_hash.auto import keccak

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


class SignatureError(ValueError):
    """Not a signature of the message by any key."""


def personal_message_hash(message: str) -> bytes:
    data = message.encode()
    return keccak(f"\x19Ethereum Signed Message:\n{len(data)}".encode() + data)


def signer_pubkey(message: str, v: str, r: str, s: str) -> bytes:
    """The compressed public key that signed ``message``; ``SignatureError`` if none did."""
    try:
        vi, ri, si = (int(x.removeprefix("0x"), 16) for x in (v, r, s))
    except (ValueError, AttributeError):
        raise SignatureError("v, r and s must be hex strings") from None
    rec = vi - 27 if vi >= 27 else vi
    if rec not in (0, 1) or not (0 < ri < SECP256K1_N and 0 < si < SECP256K1_N):
        raise SignatureError("invalid signature")
    try:
        key = PublicKey.from_signature_and_message(
            ri.to_bytes(32, "big") + si.to_bytes(32, "big") + bytes([rec]), personal_message_hash(message), hasher=None
        )
    except Exception:  # coincurve raises ValueError or its own Exception on a bad signature
        raise SignatureError("invalid signature: cannot recover the signer") from None
    return key.format(compressed=True)
