"""EIP-55 checksums against eth-utils' as the oracle."""

from __future__ import annotations

from eth_utils import to_checksum_address
from hypothesis import given
from hypothesis import strategies as st

from ledger.addresses import parse_evm_address, to_checksum_evm


@given(st.binary(min_size=20, max_size=20))
def test_checksum_matches_eth_utils(raw: bytes) -> None:
    text = to_checksum_evm(raw)
    assert text == to_checksum_address(raw)
    assert parse_evm_address(text) == raw
