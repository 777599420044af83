"""The JSON-RPC's decoded tx handed to the app's decoder equals what it would decode itself."""

from __future__ import annotations

from coincurve import PrivateKey

from abci_app.application.txcodec import EVM, TxCodec
from evm_bridge.signer import sign_tx
from evm_bridge.txs import decode_tx

CHAIN = 713714


def _raw(nonce: int = 0) -> bytes:
    return sign_tx(PrivateKey().secret, chain_id=CHAIN, nonce=nonce, gas=21_000, to=b"\x11" * 20, value=1,
                   max_fee_per_gas=10**11, max_priority_fee_per_gas=10**9)


def test_remembered_tx_is_served_from_the_cache() -> None:
    raw = _raw()
    tx = decode_tx(raw, CHAIN)
    codec = TxCodec(CHAIN, 1 << 20, {})
    codec.remember(raw, tx)
    decoded = codec.decode(raw)
    assert decoded.kind == EVM and decoded.tx is tx
    assert decoded == TxCodec(CHAIN, 1 << 20, {}).decode(raw)


def test_oversized_tx_is_not_remembered() -> None:
    raw = _raw()
    codec = TxCodec(CHAIN, len(raw) - 1, {})
    codec.remember(raw, decode_tx(raw, CHAIN))
    try:
        codec.decode(raw)
    except Exception as e:  # the size check still answers
        assert "too large" in str(e)
    else:
        raise AssertionError("an oversized tx was served from the cache")
