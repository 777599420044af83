"""txpool_content, txpool_status and txpool_inspect: the waiting EVM txs, split into
pending (next in line for their sender) and queued (behind a nonce gap) as geth does."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.index.codec import address
from eth_rpc.index.render import tx_object
from eth_rpc.method_spec import ASYNC, rpc
from evm_bridge.api import EvmTx

_PENDING = {"blockHash": None, "blockNumber": None, "transactionIndex": None}


def _by_sender(txs: list[EvmTx], render: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for tx in txs:
        out.setdefault(address(tx.sender) or "", {})[str(tx.nonce)] = render(tx)
    return out


def _content(tx: EvmTx) -> dict[str, Any]:
    obj = tx_object(tx, 0, dict(_PENDING))
    obj["gasPrice"] = hex(tx.gas_price)
    return obj


def _summary(tx: EvmTx) -> str:
    """geth's one-line form: ``to: value wei + gas gas × price wei``."""
    to = address(tx.to) if tx.to is not None else "contract creation"
    return f"{to}: {tx.value} wei + {tx.gas} gas × {tx.gas_price} wei"


async def _split(b: Any) -> tuple[list[EvmTx], list[EvmTx]]:
    pending, queued = await b.mempool.split()
    return [t for t in pending if b.index.locate(t.hash) is None], [t for t in queued if b.index.locate(t.hash) is None]


@rpc("txpool_content", ASYNC)
async def txpool_content(b: Any, params: list) -> dict:
    P.arity(params, 0, 0)
    pending, queued = await _split(b)
    return {"pending": _by_sender(pending, _content), "queued": _by_sender(queued, _content)}


@rpc("txpool_inspect", ASYNC)
async def txpool_inspect(b: Any, params: list) -> dict:
    P.arity(params, 0, 0)
    pending, queued = await _split(b)
    return {"pending": _by_sender(pending, _summary), "queued": _by_sender(queued, _summary)}


@rpc("txpool_status", ASYNC)
async def txpool_status(b: Any, params: list) -> dict:
    P.arity(params, 0, 0)
    pending, queued = await _split(b)
    return {"pending": hex(len(pending)), "queued": hex(len(queued))}
