"""Blocks: by number and hash, tx counts, and all receipts of a block."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import server_error
from eth_rpc.method_spec import rpc

Json = dict[str, Any]


def block_object(b: Any, height: int, full: bool) -> Json | None:
    header = b.header(height)
    if header is None:
        return None
    n = b.index.evm_count(height)
    if not n:
        header["transactions"] = []
    else:
        header["transactions"] = b.index.txs(height)[:n] if full else b.index.tx_hashes(height)
    return header


def _height_for(b: Any, ref: Any) -> int | None:
    height = b.block_number(ref)
    return height if height <= b.latest() else None


def _height_of_hash(b: Any, value: Any) -> int | None:
    h = P.hash32(value, "blockHash")
    if h == b"\0" * 32:
        return 0
    return b.index.height_of(h)


@rpc("eth_getBlockByNumber")
def get_block_by_number(b: Any, params: list) -> Json | None:
    ref, full = P.arity(params, 1, 2)
    full = P.boolean(full, "fullTx")
    height = _height_for(b, ref)
    return None if height is None else block_object(b, height, full)


@rpc("eth_getBlockByHash")
def get_block_by_hash(b: Any, params: list) -> Json | None:
    value, full = P.arity(params, 1, 2)
    full = P.boolean(full, "fullTx")
    height = _height_of_hash(b, value)
    return None if height is None else block_object(b, height, full)


@rpc("eth_getBlockTransactionCountByNumber")
def tx_count_by_number(b: Any, params: list) -> str | None:
    (ref,) = P.arity(params, 0, 1)  # the block is optional: latest
    height = _height_for(b, ref)
    return None if height is None or b.header(height) is None else hex(b.index.evm_count(height))


@rpc("eth_getBlockTransactionCountByHash")
def tx_count_by_hash(b: Any, params: list) -> str | None:
    (value,) = P.arity(params, 1, 1)
    height = _height_of_hash(b, value)
    return None if height is None else hex(b.index.evm_count(height))


@rpc("eth_getUncleCountByBlockNumber")
def uncle_count_by_number(b: Any, params: list) -> str | None:
    (ref,) = P.arity(params, 1, 1)
    return None if _height_for(b, ref) is None else "0x0"


@rpc("eth_getUncleCountByBlockHash")
def uncle_count_by_hash(b: Any, params: list) -> str | None:
    (value,) = P.arity(params, 1, 1)
    return None if _height_of_hash(b, value) is None else "0x0"


@rpc("eth_getBlockReceipts")
def block_receipts(b: Any, params: list) -> list[Json] | None:
    """Every receipt of the block: its EVM txs, then synthetic ones for native txs."""
    (ref,) = P.arity(params, 1, 1)
    if isinstance(ref, dict) and "blockHash" in ref:
        height = _height_of_hash(b, ref["blockHash"])
    elif isinstance(ref, dict):
        height = _height_for(b, ref.get("blockNumber"))
    elif isinstance(ref, str) and len(ref) == 66:
        height = _height_of_hash(b, ref)
    else:
        height = _height_for(b, ref)
    if height is None or b.header(height) is None:
        return None
    return b.index.receipts(height)


def require_block(b: Any, height: int) -> None:
    if b.header(height) is None:
        raise server_error(f"block {height} not found")
