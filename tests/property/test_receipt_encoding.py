"""The receipt encoding (a receipts-trie leaf, ``debug_getRawReceipts``) and the RLP
encoders it is built from give pyrlp's bytes for any receipt."""

from __future__ import annotations

import rlp
from hypothesis import given, settings
from hypothesis import strategies as st

from evm_bridge.api import ACCESS_LIST_TX, DYNAMIC_FEE_TX, LEGACY_TX, SET_CODE_TX, EvmLog
from evm_bridge.receipts import receipt_encoding
from evm_bridge.rlpscan import encode_bytes, encode_list, encode_uint

logs = st.lists(
    st.builds(
        EvmLog,
        address=st.binary(min_size=20, max_size=20),
        topics=st.lists(st.binary(min_size=32, max_size=32), max_size=4).map(tuple),
        data=st.binary(max_size=300),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(
    tx_type=st.sampled_from([LEGACY_TX, ACCESS_LIST_TX, DYNAMIC_FEE_TX, SET_CODE_TX]),
    status=st.integers(0, 1),
    cumulative=st.integers(0, 2**64 - 1),
    bloom=st.binary(min_size=256, max_size=256),
    logs=logs,
)
def test_receipt_encoding_is_pyrlps(tx_type, status, cumulative, bloom, logs):
    body = rlp.encode([status, cumulative, bloom, [[lg.address, list(lg.topics), lg.data] for lg in logs]])
    expected = body if tx_type == LEGACY_TX else bytes([tx_type]) + body
    assert receipt_encoding(tx_type, status, cumulative, bloom, logs) == expected


@settings(max_examples=300, deadline=None)
@given(value=st.binary(max_size=70_000), number=st.integers(0, 2**256 - 1),
       items=st.lists(st.binary(max_size=80), max_size=40))
def test_encoders_are_pyrlps(value, number, items):
    assert encode_bytes(value) == rlp.encode(value)
    assert encode_uint(number) == rlp.encode(number)
    assert encode_list(map(encode_bytes, items)) == rlp.encode(items)
