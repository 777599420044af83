"""Sei's namespace on a real node: an account's two addresses, a tx's two hashes."""

from __future__ import annotations

import hashlib
import time

import pytest
from coincurve import PrivateKey
from eth_account import Account
from eth_account.messages import encode_defunct

from ledger.addresses import sei_address_from_pubkey, to_bech32
from tests.e2e.conftest import E2E
from tests.support.jsonrpc import CHAIN_ID, rpc, wait_receipt, web3_rpc

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sent(e2e: E2E) -> tuple[str, bytes, str]:
    """(alice's bech32 address, the raw bytes and the hash of a tx she signed)."""
    key = e2e.keys["alice"]
    alice = Account.from_key(key).address
    nonce = int(rpc(e2e.http, "eth_getTransactionCount", [alice, "pending"])["result"], 16)
    price = int(rpc(e2e.http, "eth_gasPrice", [])["result"], 16)
    tx = {"nonce": nonce, "gasPrice": 2 * price, "gas": 21_000, "to": alice, "value": 1, "chainId": CHAIN_ID}
    raw = bytes(Account.sign_transaction(tx, key).raw_transaction)
    tx_hash = rpc(e2e.http, "eth_sendRawTransaction", ["0x" + raw.hex()])["result"]
    wait_receipt(e2e.http, tx_hash)
    pubkey = PrivateKey(bytes.fromhex(key[2:])).public_key.format(compressed=True)
    return to_bech32(sei_address_from_pubkey(pubkey)), raw, tx_hash


def test_addresses_both_ways(e2e: E2E, sent) -> None:
    sei, _, _ = sent
    alice = Account.from_key(e2e.keys["alice"]).address
    assert web3_rpc(e2e.http, "sei_getSeiAddress", [alice])["result"] == sei
    assert web3_rpc(e2e.http, "sei_getEVMAddress", [sei])["result"] == alice


def test_unassociated_address_is_an_error(e2e: E2E) -> None:
    stranger = "0x" + "77" * 20
    out = web3_rpc(e2e.http, "sei_getSeiAddress", [stranger])
    assert out["error"]["code"] == -32000 and "is not associated" in out["error"]["message"]
    assert web3_rpc(e2e.http, "sei_getEVMAddress", ["not-bech32"])["error"]["code"] == -32602


def test_tx_hashes_both_ways(e2e: E2E, sent) -> None:
    _, raw, tx_hash = sent
    cosmos = hashlib.sha256(raw).hexdigest().upper()
    assert web3_rpc(e2e.http, "sei_getCosmosTx", [tx_hash])["result"] == cosmos
    assert web3_rpc(e2e.http, "sei_getEvmTx", [cosmos])["result"] == tx_hash
    assert web3_rpc(e2e.http, "sei_getCosmosTx", ["0x" + "00" * 32])["error"]["message"] == "transaction not found"


def test_sei_associate_links_a_funded_key_without_a_fee(e2e: E2E) -> None:
    fresh = Account.create()
    alice_key = e2e.keys["alice"]
    alice = Account.from_key(alice_key).address
    nonce = int(rpc(e2e.http, "eth_getTransactionCount", [alice, "pending"])["result"], 16)
    price = int(rpc(e2e.http, "eth_gasPrice", [])["result"], 16)
    fund = {"nonce": nonce, "gasPrice": 2 * price, "gas": 21_000, "to": fresh.address, "value": 10**15,
            "chainId": CHAIN_ID}
    raw = Account.sign_transaction(fund, alice_key).raw_transaction
    wait_receipt(e2e.http, rpc(e2e.http, "eth_sendRawTransaction", ["0x" + raw.hex()])["result"])
    assert web3_rpc(e2e.http, "sei_getSeiAddress", [fresh.address])["error"]["code"] == -32000
    sig = Account.sign_message(encode_defunct(text="associate me"), fresh.key)
    out = web3_rpc(e2e.http, "sei_associate", [{"custom_message": "associate me", "r": hex(sig.r), "s": hex(sig.s),
                                                "v": hex(sig.v)}])
    assert len(out["result"]) == 64
    pubkey = PrivateKey(bytes(fresh.key)).public_key.format(compressed=True)
    want = to_bech32(sei_address_from_pubkey(pubkey))
    deadline = time.monotonic() + 30
    while (got := web3_rpc(e2e.http, "sei_getSeiAddress", [fresh.address])).get("result") is None:
        assert time.monotonic() < deadline, got
        time.sleep(0.2)
    assert got["result"] == want
    again = web3_rpc(e2e.http, "sei_associate", [{"custom_message": "again", **_sig(fresh, "again")}])
    assert again["error"]["code"] == -32000 and "already associated" in again["error"]["message"]


def _sig(account, message: str) -> dict[str, str]:
    sig = Account.sign_message(encode_defunct(text=message), account.key)
    return {"r": hex(sig.r), "s": hex(sig.s), "v": hex(sig.v)}
