"""eth_getProof through web3.py on a real node, every proof verified against the block's
stateRoot (the app hash) with ``store.proofs.verify_proof``, the verifier the README shows."""

from __future__ import annotations

import pytest
from coincurve import PrivateKey
from eth_abi import encode
from web3 import Web3

from evm_bridge.account_db import EMPTY_CODE_HASH, STORE, code_hash_key, nonce_key, storage_key
from ledger import bank
from ledger.addresses import sei_address_from_pubkey
from ledger.encoding import encode_uint
from pysei_pb.tendermint.crypto import proof_pb2
from store.proofs import ProofOps, verify_proof
from tests.e2e.conftest import E2E
from tests.e2e.test_web3py import _send

pytestmark = pytest.mark.e2e


def _ops(hex_proof: bytes) -> ProofOps:
    ops = proof_pb2.ProofOps.FromString(bytes(hex_proof))
    return tuple((op.type, op.key, op.data) for op in ops.ops)


def _value(n: int | bytes) -> bytes | None:
    """The stored encoding of a value (web3.py gives storage values as bytes, others as ints)."""
    n = int.from_bytes(n, "big") if isinstance(n, bytes) else n
    return encode_uint(n) if n else None


def _int(v: int | bytes) -> int:
    return int.from_bytes(v, "big") if isinstance(v, bytes) else v


@pytest.fixture(scope="module")
def deployed(e2e: E2E) -> tuple[Web3, str, str]:
    w3 = Web3(Web3.HTTPProvider(e2e.http))
    alice = w3.eth.account.from_key(e2e.keys["alice"]).address
    data = e2e.bytecode + encode(["string", "string", "uint256"], ["Proof", "PRF", 4242])
    fees = {"maxFeePerGas": 2 * w3.eth.gas_price, "maxPriorityFeePerGas": w3.eth.max_priority_fee}
    receipt = _send(w3, e2e.keys["alice"], {"data": "0x" + data.hex(), "value": 0, **fees})
    return w3, receipt["contractAddress"], alice


def test_account_and_storage_proofs_verify_against_the_state_root(deployed, e2e: E2E) -> None:
    w3, token, alice = deployed
    block = w3.eth.get_block("latest")
    total_supply_slot = 2  # TestToken: name, symbol, then totalSupply (decimals is a constant)
    proof = w3.eth.get_proof(token, [0, total_supply_slot, 9], block["number"])
    app_hash = bytes(block["stateRoot"])
    addr = bytes.fromhex(token[2:])
    assert proof["nonce"] == 1 and proof["codeHash"] == Web3.keccak(w3.eth.get_code(token, block["number"]))
    nonce_ops, code_ops, usei_ops, rem_ops = (_ops(p) for p in proof["accountProof"])
    assert verify_proof(app_hash, STORE, nonce_key(addr), _value(1), nonce_ops)
    assert verify_proof(app_hash, STORE, code_hash_key(addr), bytes(proof["codeHash"]), code_ops)
    # a contract's balance lives under its own bytes (no association): absent here
    assert verify_proof(app_hash, bank.STORE, bank.balance_key(addr), None, usei_ops)
    assert verify_proof(app_hash, bank.STORE, bank.remainder_key(addr), None, rem_ops)
    assert proof["balance"] == 0
    for entry in proof["storageProof"]:
        key = int(entry["key"].hex(), 16) if isinstance(entry["key"], bytes) else int(entry["key"], 16)
        assert verify_proof(app_hash, STORE, storage_key(addr, key), _value(entry["value"]), _ops(entry["proof"][0]))
    assert [_int(e["value"]) for e in proof["storageProof"]][1:] == [4242, 0]
    assert not verify_proof(app_hash, STORE, nonce_key(addr), _value(2), nonce_ops)  # a wrong value fails


def test_an_account_with_funds_and_no_code(deployed, e2e: E2E) -> None:
    w3, _, alice = deployed
    block = w3.eth.get_block("latest")
    proof = w3.eth.get_proof(alice, [], block["number"])
    balance = w3.eth.get_balance(alice, block["number"])
    assert proof["balance"] == balance
    pubkey = PrivateKey(bytes.fromhex(e2e.keys["alice"][2:])).public_key.format(compressed=True)
    sei = sei_address_from_pubkey(pubkey)  # alice signed txs: her address is associated
    usei, remainder = divmod(balance, bank.WEI_PER_USEI)
    _, _, usei_ops, rem_ops = (_ops(p) for p in proof["accountProof"])
    app_hash = bytes(block["stateRoot"])
    assert verify_proof(app_hash, bank.STORE, bank.balance_key(sei), _value(usei), usei_ops)
    assert verify_proof(app_hash, bank.STORE, bank.remainder_key(sei), _value(remainder), rem_ops)
    assert proof["codeHash"] == EMPTY_CODE_HASH and proof["storageProof"] == []
    assert proof["nonce"] == w3.eth.get_transaction_count(alice, block["number"])
