"""txpool_content and txpool_status from CometBFT's mempool (``unconfirmed_txs``)."""

from __future__ import annotations

from typing import Any

from evm_bridge.index.codec import address
from evm_bridge.index.render import tx_object

from .. import params as P
from ..registry import ASYNC, rpc

_PENDING = {"blockHash": None, "blockNumber": None, "transactionIndex": None}


@rpc("txpool_content", ASYNC)
async def txpool_content(b: Any, params: list) -> dict:
    P.arity(params, 0, 0)
    pending: dict[str, dict[str, Any]] = {}
    for tx in await b.mempool.evm_txs():
        if b.index.locate(tx.hash) is not None:
            continue
        obj = tx_object(tx, 0, dict(_PENDING))
        obj["gasPrice"] = hex(tx.gas_price)
        pending.setdefault(address(tx.sender) or "", {})[str(tx.nonce)] = obj
    return {"pending": pending, "queued": {}}


@rpc("txpool_status", ASYNC)
async def txpool_status(b: Any, params: list) -> dict:
    P.arity(params, 0, 0)
    content = await txpool_content(b, [])
    return {"pending": hex(sum(len(v) for v in content["pending"].values())), "queued": "0x0"}
