"""Account state at a block: balance, nonce (with the mempool for "pending"), code, storage."""

from __future__ import annotations

from typing import Any

from evm_bridge.state import read_balance, read_code, read_nonce, read_storage

from .. import params as P
from ..registry import ASYNC, rpc


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
