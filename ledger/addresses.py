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


def sei_address_from_pubkey(pubkey: bytes) -> bytes:
    """20-byte Sei account address of a (compressed or uncompressed) secp256k1 public key."""
    compressed = PublicKey(pubkey).format(compressed=True)
    return ripemd160(hashlib.sha256(compressed).digest())


def evm_address_from_pubkey(pubkey: bytes) -> bytes:
    """20-byte EVM address of a secp256k1 public key."""
    uncompressed = PublicKey(pubkey).format(compressed=False)
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


#: Hex digits of the hash that make the address's letter at that position upper case.
_UPPER_NIBBLES = frozenset("89abcdef")


def to_checksum_evm(raw: bytes) -> str:
    """EIP-55 mixed-case hex of a 20-byte address."""
    hex_addr = raw.hex()
    digest = keccak(hex_addr.encode()).hex()
    return "0x" + "".join(c.upper() if d in _UPPER_NIBBLES else c for c, d in zip(hex_addr, digest[:40], strict=True))


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
