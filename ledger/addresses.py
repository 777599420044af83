"""Address codecs: one secp256k1 key is both a 0x EVM address and a ``sei1…`` bech32 address.

* EVM address = keccak256(uncompressed public key without the 0x04 prefix)[12:]
* Sei address = RIPEMD160(SHA256(compressed public key)), bech32 with prefix ``sei``
* Module accounts: sha256(module name)[:20] (the Cosmos SDK rule).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from coincurve import PublicKey
from Crypto.Hash import RIPEMD160
from eth_hash.auto import keccak

from ledger import bech32_codec

ACCOUNT_PREFIX = "sei"
VALOPER_PREFIX = "seivaloper"
VALCONS_PREFIX = "seivalcons"


class AddressError(ValueError):
    """A malformed or wrongly prefixed address."""


def ripemd160(data: bytes) -> bytes:
    try:
        h = hashlib.new("ripemd160")
        h.update(data)
        return h.digest()
    except ValueError:  # OpenSSL builds without legacy ripemd160
        return RIPEMD160.new(data).digest()


def public_key(raw: bytes) -> PublicKey:
    """The secp256k1 public key ``raw`` (compressed or uncompressed); raises ``ValueError``
    when it is not one. Cached: a signer's key comes back with each of its txs (to check the
    tx, verify its signature, derive its addresses, render it), and parsing it (a point
    decompression) takes ~5 us."""
    return _public_key(bytes(raw))


@lru_cache(maxsize=1 << 14)
def _public_key(raw: bytes) -> PublicKey:
    return PublicKey(raw)


def sei_address_from_pubkey(pubkey: bytes) -> bytes:
    """20-byte Sei account address of a (compressed or uncompressed) secp256k1 public key."""
    return _sei_address(bytes(pubkey))


@lru_cache(maxsize=1 << 14)
def _sei_address(pubkey: bytes) -> bytes:
    compressed = public_key(pubkey).format(compressed=True)
    return ripemd160(hashlib.sha256(compressed).digest())


def evm_address_from_pubkey(pubkey: bytes) -> bytes:
    """20-byte EVM address of a secp256k1 public key."""
    return _evm_address(bytes(pubkey))


@lru_cache(maxsize=1 << 14)
def _evm_address(pubkey: bytes) -> bytes:
    uncompressed = public_key(pubkey).format(compressed=False)
    return keccak(uncompressed[1:])[12:]


def module_address(name: str) -> bytes:
    return hashlib.sha256(name.encode()).digest()[:20]


@lru_cache(maxsize=1 << 16)
def to_bech32(raw: bytes, prefix: str = ACCOUNT_PREFIX) -> str:
    return bech32_codec.encode(prefix, raw)


@lru_cache(maxsize=1 << 16)
def from_bech32(text: str, prefix: str = ACCOUNT_PREFIX) -> bytes:
    """Decode a bech32 address and check its prefix; raises ``AddressError``. Cached:
    addresses repeat (an OCC worker meets each one cold, hence the fast codec)."""
    if not isinstance(text, str) or len(text) > 128:
        raise AddressError("invalid address")
    decoded = bech32_codec.decode(text)
    if decoded is None:
        raise AddressError(f"invalid bech32 address: {text!r}")
    hrp, raw = decoded
    if hrp != prefix:
        raise AddressError(f"invalid address prefix: expected {prefix}, got {hrp}")
    if len(raw) not in (20, 32):
        raise AddressError(f"invalid address length: {text!r}")
    return raw


#: Byte masks over the 40 hex characters of an address and of its hash (one byte each).
_EACH_0x40 = int.from_bytes(b"\x40" * 40, "big")
_EACH_0x08 = int.from_bytes(b"\x08" * 40, "big")


def to_checksum_evm(raw: bytes) -> str:
    """EIP-55 mixed-case hex of a 20-byte address: a letter is upper case where the
    keccak of the lower-case hex has a nibble of 8 or more.

    Done on all 40 characters at once as integers of their ASCII bytes: letters ``a-f``
    and hash digits ``8``, ``9``, ``a-f`` are the bytes with 0x40 set (digits ``8``, ``9``
    also with 0x08); XOR with 0x20 upper-cases a letter."""
    hex_addr = raw.hex().encode()
    digest = keccak(hex_addr).hex().encode()[:40]
    letters = int.from_bytes(hex_addr, "big")
    hashed = int.from_bytes(digest, "big")
    high = (hashed & _EACH_0x40) | ((hashed & _EACH_0x08) << 3)
    upper = (letters & _EACH_0x40 & high) >> 1
    return "0x" + (letters ^ upper).to_bytes(40, "big").decode()


def parse_evm_address(text: str) -> bytes:
    s = text[2:] if text.startswith(("0x", "0X")) else text
    if len(s) != 40:
        raise AddressError(f"invalid EVM address: {text!r}")
    try:
        return bytes.fromhex(s)
    except ValueError as e:
        raise AddressError(f"invalid EVM address: {text!r}") from e


FEE_COLLECTOR = module_address("fee_collector")
BONDED_POOL = module_address("bonded_tokens_pool")
NOT_BONDED_POOL = module_address("not_bonded_tokens_pool")
DISTRIBUTION = module_address("distribution")
