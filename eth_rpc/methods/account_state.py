"""Account state at a block: balance, nonce (with the mempool for "pending"), code, storage
(one slot, or many with eth_getStorageValues)."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import invalid_params
from eth_rpc.method_spec import ASYNC, rpc
from evm_bridge.account_db import read_balance, read_code, read_nonce, read_storage

#: Most slots one eth_getStorageValues call may read.
MAX_STORAGE_VALUES = 1024


@rpc("eth_getBalance")
def get_balance(b: Any, params: list) -> str:
    addr, ref = P.arity(params, 1, 2)
    a = P.address(addr)
    return hex(read_balance(b.state_at(b.block_ref(ref or "latest")), a))


@rpc("eth_getTransactionCount", ASYNC)
async def get_transaction_count(b: Any, params: list) -> str:
    addr, ref = P.arity(params, 1, 2)
    a = P.address(addr)
    if ref == "pending":
        return hex(await b.pending_nonce(a))
    return hex(read_nonce(b.state_at(b.block_ref(ref or "latest")), a))


@rpc("eth_getCode")
def get_code(b: Any, params: list) -> str:
    addr, ref = P.arity(params, 1, 2)
    a = P.address(addr)
    return "0x" + read_code(b.state_at(b.block_ref(ref or "latest")), a).hex()


@rpc("eth_getStorageAt")
def get_storage_at(b: Any, params: list) -> str:
    addr, slot, ref = P.arity(params, 2, 3)
    a = P.address(addr)
    s = P.slot(slot)
    value = read_storage(b.state_at(b.block_ref(ref or "latest")), a, s)
    return "0x" + value.to_bytes(32, "big").hex()


@rpc("eth_getStorageValues")
def get_storage_values(b: Any, params: list) -> dict[str, list[str]]:
    """Many slots of many contracts at one block: ``{address: [slot, ...]}`` -> values."""
    requests, ref = P.arity(params, 1, 2)
    if not isinstance(requests, dict):
        raise invalid_params("invalid argument 0: want an object of address -> storage slots")
    if sum(len(v) if isinstance(v, list) else 1 for v in requests.values()) > MAX_STORAGE_VALUES:
        raise invalid_params(f"invalid argument 0: more than {MAX_STORAGE_VALUES} slots")
    view = b.state_at(b.block_ref(ref or "latest"))
    out = {}
    for addr, slots in requests.items():
        a = P.address(addr)
        if not isinstance(slots, list):
            raise invalid_params(f"invalid argument 0: slots of {addr} must be a list")
        out[addr] = ["0x" + read_storage(view, a, P.slot(s)).to_bytes(32, "big").hex() for s in slots]
    return out
