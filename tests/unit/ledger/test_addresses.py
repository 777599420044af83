"""EIP-55 checksums against eth-utils' as the oracle; a public key's addresses and its
parsing (cached: the answers must not change with the cache, and a refusal is not kept)."""

from __future__ import annotations

import hashlib

import pytest
from coincurve import PrivateKey
from eth_utils import to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from ledger.addresses import (
    evm_address_from_pubkey,
    parse_evm_address,
    public_key,
    ripemd160,
    sei_address_from_pubkey,
    to_checksum_evm,
)


@given(st.binary(min_size=20, max_size=20))
def test_checksum_matches_eth_utils(raw: bytes) -> None:
    text = to_checksum_evm(raw)
    assert text == to_checksum_address(raw)
    assert parse_evm_address(text) == raw


# A key whose addresses are known from outside: the secp256k1 generator point G (private
# key 1): its EVM address is the well-known 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf.
G_COMPRESSED = bytes.fromhex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
G_EVM = bytes.fromhex("7e5f4552091a69125d5dfcb7b8c2659029395bdf")


def test_addresses_of_a_key_the_same_in_either_form_and_on_every_call() -> None:
    uncompressed = PrivateKey.from_int(1).public_key.format(compressed=False)
    sei = ripemd160(hashlib.sha256(G_COMPRESSED).digest())
    for key in (G_COMPRESSED, uncompressed, bytearray(G_COMPRESSED), G_COMPRESSED, uncompressed):
        assert evm_address_from_pubkey(key) == G_EVM
        assert sei_address_from_pubkey(key) == sei
        assert public_key(key).format(compressed=True) == G_COMPRESSED


@pytest.mark.parametrize("bad", [b"", b"\x02" + b"\x00" * 32, b"\x05" + G_COMPRESSED[1:], G_COMPRESSED[:-1]])
def test_a_key_that_is_not_one_is_refused_each_time(bad: bytes) -> None:
    for _ in range(2):  # a refusal is not remembered as an answer
        with pytest.raises(ValueError):
            public_key(bad)
        with pytest.raises(ValueError):
            sei_address_from_pubkey(bad)
        with pytest.raises(ValueError):
            evm_address_from_pubkey(bad)
