"""Transactions: lookups (mined and pending), receipts, and eth_sendRawTransaction."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import server_error
from eth_rpc.index.render import tx_object
from eth_rpc.method_spec import ASYNC, rpc
from evm_bridge.api import EvmTxError
from evm_bridge.txs import decode_tx

Json = dict[str, Any]
_PENDING = {"blockHash": None, "blockNumber": None, "transactionIndex": None}

@rpc("eth_sendRawTransaction", ASYNC)
async def send_raw_transaction(b: Any, params: list) -> str:
    (data,) = P.arity(params, 1, 1)
    raw = P.hex_data(data, "data")
    try:
        tx = await b.decoder.decode(raw) if b.decoder is not None else decode_tx(raw, b.config.evm_chain_id)
    except EvmTxError as e:
        raise server_error(str(e)) from None
    await b.intake.send(tx)
    b.mempool.remember(tx)
    if b.mempool.first_sighting(tx.hash):
        b.hub.publish_pending(tx.hash)
        b.filters.add_pending(tx.hash)
    return "0x" + tx.hash.hex()


@rpc("eth_getTransactionByHash", ASYNC)
async def get_transaction_by_hash(b: Any, params: list) -> Json | None:
    (value,) = P.arity(params, 1, 1)
    h = P.hash32(value, "hash")
    found = b.index.tx(h)
    if found is not None:
        return found
    tx = await b.mempool.find(h) if b.mempool is not None else None
    if tx is None:
        return None
    obj = tx_object(tx, 0, dict(_PENDING))
    obj["gasPrice"] = hex(tx.gas_price)
    obj["transactionIndex"] = None
    return obj


@rpc("eth_getTransactionReceipt")
def get_transaction_receipt(b: Any, params: list) -> Json | None:
    (value,) = P.arity(params, 1, 1)
    return b.index.receipt(P.hash32(value, "hash"))


def _tx_at(b: Any, height: int | None, index: Any) -> Json | None:
    i = P.quantity(index, "index", 32)
    if height is None or b.header(height) is None or i >= b.index.evm_count(height):
        return None
    return b.index.tx_at(height, i)


@rpc("eth_getTransactionByBlockNumberAndIndex")
def by_block_number_and_index(b: Any, params: list) -> Json | None:
    ref, index = P.arity(params, 2, 2)
    height = b.block_number(ref)
    return _tx_at(b, height if height <= b.latest() else None, index)


@rpc("eth_getTransactionByBlockHashAndIndex")
def by_block_hash_and_index(b: Any, params: list) -> Json | None:
    value, index = P.arity(params, 2, 2)
    return _tx_at(b, b.index.height_of(P.hash32(value, "blockHash")), index)
