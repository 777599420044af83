"""eth_getProof (EIP-1186's shape) with this chain's proofs: IAVL proofs against the app hash.

Every proof in ``accountProof`` and ``storageProof[].proof`` is a CometBFT ``ProofOps``
(protobuf, hex) for one store key; ``store.proofs.verify_proof(app_hash, store, key,
value, ops)`` checks it, and the app hash is the block's ``stateRoot``. The account's
proofs come in a fixed order: its nonce and code hash (``evm`` store), then its usei
balance and wei remainder (``bank`` store). ``storageHash`` is the root of the ``evm``
store's tree. Proofs exist for the newest heights the commitment keeps (``earliest`` is
the oldest of them).
"""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import invalid_params, server_error
from eth_rpc.method_spec import THREAD, rpc
from evm_bridge.account_db import EMPTY_CODE_HASH, STORE, code_hash_key, nonce_key, storage_key
from ledger import bank
from ledger.accounts import sei_for_evm
from ledger.encoding import decode_uint
from pysei_pb.tendermint.crypto import proof_pb2
from store.api import QueryResult
from store.proofs import store_roots

Json = dict[str, Any]
#: Most storage keys one call may prove.
MAX_STORAGE_KEYS = 256


def _encoded(result: QueryResult) -> str:
    ops = proof_pb2.ProofOps(ops=[proof_pb2.ProofOp(type=t, key=k, data=d) for t, k, d in result.proof_ops])
    return "0x" + ops.SerializeToString().hex()


def _prove(b: Any, store: str, key: bytes, height: int) -> QueryResult:
    try:
        return b.db.query(store, key, height, prove=True)
    except LookupError as e:
        raise server_error(f"proofs not available for block {height}: {e}") from None


@rpc("eth_getProof", THREAD)
def get_proof(b: Any, params: list) -> Json:
    addr_v, keys_v, ref = P.arity(params, 2, 3)
    addr = P.address(addr_v)
    if not isinstance(keys_v, list) or len(keys_v) > MAX_STORAGE_KEYS:
        raise invalid_params(f"invalid argument 1: want a list of at most {MAX_STORAGE_KEYS} storage keys")
    slots = [P.slot(k, "storage key") for k in keys_v]
    height = b.db.earliest_proof_height() if ref == "earliest" else b.block_ref(ref or "latest")
    sei = sei_for_evm(b.state_at(height), addr)
    nonce = _prove(b, STORE, nonce_key(addr), height)
    code_hash = _prove(b, STORE, code_hash_key(addr), height)
    usei = _prove(b, bank.STORE, bank.balance_key(sei), height)
    remainder = _prove(b, bank.STORE, bank.remainder_key(sei), height)
    storage_root = store_roots(nonce.proof_ops).get(STORE, b"\0" * 32)
    storage = []
    for text, slot in zip(keys_v, slots, strict=True):
        r = _prove(b, STORE, storage_key(addr, slot), height)
        storage.append({"key": text, "value": hex(decode_uint(r.value)), "proof": [_encoded(r)]})
    balance = decode_uint(usei.value) * bank.WEI_PER_USEI + decode_uint(remainder.value)
    return {
        "address": "0x" + addr.hex(),
        "accountProof": [_encoded(r) for r in (nonce, code_hash, usei, remainder)],
        "balance": hex(balance),
        "codeHash": "0x" + (code_hash.value or EMPTY_CODE_HASH).hex(),
        "nonce": hex(decode_uint(nonce.value)),
        "storageHash": "0x" + storage_root.hex(),
        "storageProof": storage,
    }
