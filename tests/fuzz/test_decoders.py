"""Decoders of outside bytes raise only their own error type, whatever the bytes:
the Ethereum tx decoder and its RLP scanner, the Cosmos tx decoder (TxRaw, body, auth
info, every message type), and the tx codec both go through.

Inputs are mutations of real txs (bytes flipped, cut, repeated, spliced) as well as
arbitrary bytes, so the search reaches deep into valid-looking structure.
"""

from __future__ import annotations

from eth_account import Account
from hypothesis import example, given
from hypothesis import strategies as st

from abci_app.application.txcodec import TxCodec
from abci_app.modules.loader import load_modules
from evm_bridge.api import EvmTxError
from evm_bridge.rlpscan import RlpError, scan_list
from evm_bridge.txs import decode_tx
from ledger.codes import TxError
from tests.support.chain import cosmos_send, evm_transfer, make_keys

from .conftest import FUZZ

CHAIN_ID = 713714
KEY = make_keys(1)[0]
SEEDS = [
    evm_transfer(KEY, b"\x22" * 20, 1, 0),
    evm_transfer(KEY, b"\x22" * 20, 1, 7, data=b"\x01\x02" * 40, gas=90_000),
    bytes(Account.sign_transaction({"nonce": 1, "gasPrice": 10**9, "gas": 21_000, "to": "0x" + "33" * 20,
                                    "value": 5, "chainId": CHAIN_ID}, KEY.privkey).raw_transaction),
    bytes(Account.sign_transaction({"type": 1, "nonce": 2, "gasPrice": 10**9, "gas": 30_000, "to": "0x" + "33" * 20,
                                    "value": 5, "chainId": CHAIN_ID, "data": b"",
                                    "accessList": [{"address": "0x" + "44" * 20, "storageKeys": ["0x" + "00" * 32]}]},
                                   KEY.privkey).raw_transaction),
    cosmos_send(KEY, b"\x55" * 20, 10, 0, 0),
]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real tx with a few edits: flipped bytes, a cut, a repeated or inserted run."""
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "repeat", "insert"]))
        if not raw:
            break
        i = draw(st.integers(0, len(raw) - 1))
        if kind == "flip":
            raw[i] = draw(st.integers(0, 255))
        elif kind == "cut":
            del raw[i:i + draw(st.integers(1, 16))]
        elif kind == "repeat":
            raw[i:i] = raw[i:i + draw(st.integers(1, 8))] * draw(st.integers(1, 64))
        else:
            raw[i:i] = draw(st.binary(min_size=1, max_size=8))
    return bytes(raw)


OUTSIDE_BYTES = st.one_of(st.binary(max_size=512), mutated(),
                          st.builds(lambda p, b: p + b, st.sampled_from([b"\x01", b"\x02", b"\x03", b"\x04", b"\x0a"]),
                                    st.binary(max_size=256)))


@FUZZ
@given(OUTSIDE_BYTES)
@example(b"\xc1" * 30_000 + b"\xc0")
@example(b"\x02" + b"\xf8\x00")
def test_evm_tx_decoder(raw: bytes) -> None:
    try:
        decode_tx(raw, CHAIN_ID)
    except EvmTxError:
        pass


@FUZZ
@given(OUTSIDE_BYTES)
def test_rlp_scanner(raw: bytes) -> None:
    try:
        scan_list(raw)
    except RlpError:
        pass


_CODEC = TxCodec(CHAIN_ID, 1 << 20, {name: h for m in load_modules(["auth", "bank", "evm", "staking", "distribution",
                                                                     "slashing", "wasm"]) for name, h in m.messages.items()})


@FUZZ
@given(OUTSIDE_BYTES)
@example(b"\x0a" + b"\x0b" * 50_000)
def test_tx_codec(raw: bytes) -> None:
    try:
        _CODEC.decode(raw)
    except TxError:
        pass
