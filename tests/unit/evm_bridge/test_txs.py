"""decode_tx: the three envelopes, sender recovery, hashes and geth's error wording."""

from __future__ import annotations

import pytest
import rlp
from eth_account import Account
from eth_hash.auto import keccak

from evm_bridge.api import ACCESS_LIST_TX, DYNAMIC_FEE_TX, LEGACY_TX, EvmTxError
from evm_bridge.signer import address_of, sign_tx
from evm_bridge.txs import decode_tx, is_evm_tx
from ledger import codes
from ledger.addresses import sei_address_from_pubkey
from tests.unit.evm_bridge.conftest import ALICE, CHAIN_ID

TO = bytes.fromhex("22" * 20)


@pytest.mark.parametrize("tx_type", [LEGACY_TX, ACCESS_LIST_TX, DYNAMIC_FEE_TX])
def test_envelopes_decode_and_recover_sender(tx_type: int) -> None:
    access = ((TO, (1, 2)),)
    raw = sign_tx(ALICE, chain_id=CHAIN_ID, nonce=3, gas=50_000, to=TO, value=7, data=b"\x00\x01",
                  max_fee_per_gas=30, max_priority_fee_per_gas=2, access_list=access if tx_type else (),
                  tx_type=tx_type)
    tx = decode_tx(raw, CHAIN_ID)
    assert is_evm_tx(raw) and tx.type == tx_type and tx.sender == address_of(ALICE)
    assert tx.hash == keccak(raw) and tx.raw == raw
    assert (tx.nonce, tx.gas, tx.to, tx.value, tx.data) == (3, 50_000, TO, 7, b"\x00\x01")
    assert tx.max_fee_per_gas == 30 and tx.max_priority_fee_per_gas == (2 if tx_type == DYNAMIC_FEE_TX else 30)
    assert tx.sender_sei == sei_address_from_pubkey(tx.pubkey)
    assert tx.intrinsic_gas == 21_000 + 4 + 16 + (2_400 + 2 * 1_900 if tx_type else 0)


def test_matches_an_independent_signer() -> None:
    signed = Account.sign_transaction(
        {"type": 2, "chainId": CHAIN_ID, "nonce": 0, "gas": 21_000, "maxFeePerGas": 10**9,
         "maxPriorityFeePerGas": 1, "to": "0x" + TO.hex(), "value": 1, "data": b""}, ALICE)
    tx = decode_tx(bytes(signed.raw_transaction), CHAIN_ID)
    assert tx.hash == bytes(signed.hash) and tx.sender == address_of(ALICE)
    legacy = Account.sign_transaction(
        {"chainId": CHAIN_ID, "nonce": 0, "gas": 21_000, "gasPrice": 10**9, "to": "0x" + TO.hex(), "value": 1}, ALICE)
    assert decode_tx(bytes(legacy.raw_transaction), CHAIN_ID).sender == address_of(ALICE)


def test_unprotected_legacy_rejected() -> None:
    unprotected = Account.sign_transaction(
        {"nonce": 0, "gas": 21_000, "gasPrice": 1, "to": "0x" + TO.hex(), "value": 1}, ALICE)
    with pytest.raises(EvmTxError, match="only replay-protected"):
        decode_tx(bytes(unprotected.raw_transaction), CHAIN_ID)


def test_wrong_chain_id() -> None:
    raw = sign_tx(ALICE, chain_id=1, nonce=0, gas=21_000, to=TO, max_fee_per_gas=1)
    with pytest.raises(EvmTxError, match="invalid chain id") as e:
        decode_tx(raw, CHAIN_ID)
    assert e.value.code == codes.INVALID_CHAIN_ID


def test_malformed_inputs() -> None:
    with pytest.raises(EvmTxError, match="transaction type not supported"):
        decode_tx(b"\x03" + rlp.encode([1, 2]), CHAIN_ID)
    with pytest.raises(EvmTxError, match="^rlp: "):
        decode_tx(b"\x02\xc3\x01", CHAIN_ID)
    with pytest.raises(EvmTxError, match="^rlp: "):
        decode_tx(b"\xf8\x01\x01", CHAIN_ID)
    raw = sign_tx(ALICE, chain_id=CHAIN_ID, nonce=0, gas=21_000, to=TO, max_fee_per_gas=1)
    items = rlp.decode(raw[1:])
    items[1] = b"\x00"  # nonce 0 must be the empty string
    with pytest.raises(EvmTxError, match="non-canonical"):
        decode_tx(b"\x02" + rlp.encode(items), CHAIN_ID)
    items = rlp.decode(raw[1:])
    items[-2] = b""  # r = 0
    with pytest.raises(EvmTxError, match="invalid transaction v, r, s values"):
        decode_tx(b"\x02" + rlp.encode(items), CHAIN_ID)


def test_native_txs_are_not_evm() -> None:
    assert not is_evm_tx(b"\x0a\x02ab") and not is_evm_tx(b"")
