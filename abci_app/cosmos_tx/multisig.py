"""Multisig signers: a k-of-n ``LegacyAminoPubKey`` of secp256k1 keys.

Wire format (the SDK's, what cosmjs' ``makeMultisignedTx`` writes): the ``SignerInfo``
holds ``/cosmos.crypto.multisig.LegacyAminoPubKey{threshold, public_keys}`` and
``ModeInfo.multi{bitarray, mode_infos}``: bit i of the ``CompactBitArray`` (most significant
bit first) says key i signed, and there is one ``ModeInfo.single`` per set bit. The tx's
signature is a ``MultiSignature{signatures}``, one 64-byte low-s signature per set bit in key
order. pysei accepts SIGN_MODE_LEGACY_AMINO_JSON sub-signatures (what the SDK CLI, Ledger and
cosmjs produce); each covers the same amino sign doc (``abci_app.cosmos_tx.amino``) of the multisig
account's number and sequence. At least ``threshold`` keys must sign.

Address: the first 20 bytes of sha256 of the key's legacy amino encoding::

    22 C1 F7 E2 | 08 uvarint(threshold) | for each key: 12 uvarint(38) EB 5A E9 87 21 <33 bytes>
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from google.protobuf.any_pb2 import Any as AnyPb
from google.protobuf.message import DecodeError

from abci_app.cosmos_tx.signature import verify_secp256k1
from ledger import codes
from ledger.addresses import public_key
from ledger.codes import TxError
from pysei_pb.cosmos.crypto.multisig import keys_pb2 as multisig_keys
from pysei_pb.cosmos.crypto.multisig.v1beta1 import multisig_pb2
from pysei_pb.cosmos.crypto.secp256k1 import keys_pb2
from pysei_pb.cosmos.tx.signing.v1beta1 import signing_pb2
from pysei_pb.cosmos.tx.v1beta1 import tx_pb2

MULTISIG_TYPE = "/cosmos.crypto.multisig.LegacyAminoPubKey"
PUBKEY_TYPE = "/cosmos.crypto.secp256k1.PubKey"
#: Most keys in one multisig (the SDK's default ``tx_sig_limit``).
MAX_KEYS = 7
AMINO_MULTISIG_PREFIX = bytes.fromhex("22c1f7e2")
AMINO_SECP256K1_PREFIX = bytes.fromhex("eb5ae987")


@dataclass(frozen=True)
class Multisig:
    """A decoded multisig signer: its keys, threshold, and who signed with what."""

    threshold: int
    pubkeys: tuple[bytes, ...]  # 33-byte compressed keys, in the key's order
    signed: tuple[int, ...]  # indices of the keys that signed, ascending
    signatures: tuple[bytes, ...]  # one per index in ``signed``


def _uvarint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def amino_bytes(threshold: int, pubkeys: Sequence[bytes]) -> bytes:
    """The legacy amino encoding of the multisig key (see the module docstring)."""
    out = bytearray(AMINO_MULTISIG_PREFIX + b"\x08" + _uvarint(threshold))
    for key in pubkeys:
        item = AMINO_SECP256K1_PREFIX + bytes([len(key)]) + key
        out += b"\x12" + _uvarint(len(item)) + item
    return bytes(out)


def address(threshold: int, pubkeys: Sequence[bytes]) -> bytes:
    """The multisig's 20-byte account address."""
    return hashlib.sha256(amino_bytes(threshold, pubkeys)).digest()[:20]


def pubkey_any(threshold: int, pubkeys: Sequence[bytes]) -> AnyPb:
    key = multisig_keys.LegacyAminoPubKey(
        threshold=threshold,
        public_keys=[AnyPb(type_url=PUBKEY_TYPE, value=keys_pb2.PubKey(key=k).SerializeToString()) for k in pubkeys],
    )
    return AnyPb(type_url=MULTISIG_TYPE, value=key.SerializeToString())


def bit_array(size: int, set_bits: Sequence[int]) -> multisig_pb2.CompactBitArray:
    """cosmjs' / the SDK's ``CompactBitArray`` of ``size`` bits (most significant bit first)."""
    elems = bytearray((size + 7) // 8)
    for i in set_bits:
        elems[i // 8] |= 0x80 >> (i % 8)
    return multisig_pb2.CompactBitArray(extra_bits_stored=size % 8, elems=bytes(elems))


def mode_info(size: int, set_bits: Sequence[int]) -> tx_pb2.ModeInfo:
    amino = tx_pb2.ModeInfo(single=tx_pb2.ModeInfo.Single(mode=signing_pb2.SIGN_MODE_LEGACY_AMINO_JSON))
    multi = tx_pb2.ModeInfo.Multi(bitarray=bit_array(size, set_bits), mode_infos=[amino] * len(set_bits))
    return tx_pb2.ModeInfo(multi=multi)


def _fail(log: str) -> TxError:
    return TxError(codes.UNAUTHORIZED, f"invalid multisig: {log}")


def _keys(value: bytes) -> tuple[int, tuple[bytes, ...]]:
    try:
        key = multisig_keys.LegacyAminoPubKey.FromString(value)
    except DecodeError as e:
        raise TxError(codes.TX_DECODE, f"multisig public key: {e}: tx parse error") from None
    n = len(key.public_keys)
    if not 1 <= n <= MAX_KEYS:
        raise _fail(f"{n} keys; a multisig has 1 to {MAX_KEYS}")
    if not 1 <= key.threshold <= n:
        raise _fail(f"threshold {key.threshold} of {n} keys")
    pubkeys = []
    for packed in key.public_keys:
        if packed.type_url != PUBKEY_TYPE:
            raise _fail(f"unsupported key type {packed.type_url!r}")
        try:
            raw = bytes(keys_pb2.PubKey.FromString(packed.value).key)
            if len(raw) != 33:
                raise ValueError("not 33 bytes")
            public_key(raw)
        except (DecodeError, ValueError) as e:
            raise _fail(f"invalid secp256k1 key: {e}") from None
        pubkeys.append(raw)
    return key.threshold, tuple(pubkeys)


def _signed(multi: tx_pb2.ModeInfo.Multi, size: int) -> tuple[int, ...]:
    bits = multi.bitarray
    elems, extra = bytes(bits.elems), bits.extra_bits_stored
    count = (len(elems) - 1) * 8 + extra if extra else len(elems) * 8
    if extra >= 8 or count != size:
        raise _fail(f"bit array of {count} bits for {size} keys")
    signed = tuple(i for i in range(size) if elems[i // 8] & (0x80 >> (i % 8)))
    if len(multi.mode_infos) != len(signed):
        raise _fail(f"{len(multi.mode_infos)} modes for {len(signed)} signers")
    for info in multi.mode_infos:
        if info.WhichOneof("sum") != "single" or info.single.mode != signing_pb2.SIGN_MODE_LEGACY_AMINO_JSON:
            raise _fail("only SIGN_MODE_LEGACY_AMINO_JSON signatures are supported inside a multisig")
    return signed


def decode(info: tx_pb2.SignerInfo, signature: bytes, simulate: bool) -> Multisig:
    """The multisig signer of a tx; raises ``TxError``. In simulation (cosmjs sends no
    signatures) the mode info and signature may be empty."""
    threshold, pubkeys = _keys(info.public_key.value)
    if simulate and not signature:
        return Multisig(threshold, pubkeys, (), ())
    if info.mode_info.WhichOneof("sum") != "multi":
        raise _fail("a multisig key needs multi mode info")
    signed = _signed(info.mode_info.multi, len(pubkeys))
    try:
        sigs = tuple(bytes(s) for s in multisig_pb2.MultiSignature.FromString(signature).signatures)
    except DecodeError as e:
        raise TxError(codes.TX_DECODE, f"multisig signature: {e}: tx parse error") from None
    if len(sigs) != len(signed):
        raise _fail(f"{len(sigs)} signatures for {len(signed)} signers")
    if len(signed) < threshold:
        raise _fail(f"{len(signed)} signatures, threshold {threshold}")
    return Multisig(threshold, pubkeys, signed, sigs)


def verify(ms: Multisig, message: bytes) -> bool:
    """True when at least ``threshold`` keys signed and every signature is valid."""
    if len(ms.signed) < ms.threshold or len(ms.signed) != len(ms.signatures):
        return False
    return all(verify_secp256k1(ms.pubkeys[i], sig, message) for i, sig in zip(ms.signed, ms.signatures, strict=True))
