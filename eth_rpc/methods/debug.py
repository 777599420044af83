"""debug_traceTransaction, debug_traceBlockByNumber, debug_traceBlockByHash (geth's
tracers, ``rpc.trace_config``), by re-execution through the block's own path
(``evm_bridge.execute.run``, see ``rpc.tracing``); debug_traceCall traces a simulation
(``rpc.simulation``) with geth's ``stateOverrides`` and ``blockOverrides``."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import RpcError, server_error
from eth_rpc.flat_calls import TxPlace
from eth_rpc.method_spec import THREAD, rpc
from eth_rpc.simulation import prepare
from eth_rpc.trace_config import TraceConfig, trace_config
from eth_rpc.tracing import replay_evm_txs, trace
from evm_bridge.execute import run
from evm_bridge.txs import decode_tx
from evm_bridge.vm import execution_context
from store.overlay import Overlay


def _trace_block(b: Any, height: int, config: TraceConfig, only: int | None = None) -> list[Any]:
    """Trace the block's EVM txs (or only the one at EVM index ``only``)."""
    if height == 0:
        raise server_error("genesis is not traceable")  # no parent state to replay from
    if b.header(height) is None:
        raise server_error(f"block #{height} not found")
    raws, positions = b.index.raw_txs(height), b.index.evm_positions(height)
    ctx = b.context_at(height)
    context = execution_context(ctx)
    replay = b.replay or replay_evm_txs(b.config.evm_chain_id, b.precompiles)
    view = Overlay(b.state_at(height - 1))
    out, done = [], 0
    for i in range(len(positions)) if only is None else [only]:
        pos = positions[i]
        replay(view, ctx, raws[done:pos])  # every tx before this one, native ones included
        done = pos
        tx = decode_tx(raws[pos], b.config.evm_chain_id)
        place = TxPlace("0x" + ctx.block_hash.hex(), height, "0x" + tx.hash.hex(), i)
        try:
            result = trace(config, tx.gas, lambda inst, tx=tx: run(tx, Overlay(view), context, b.precompiles, instrument=inst,
                                                                  transfer_fast_path=False), place)
        except RpcError as e:  # an invalid tx: it did not run (geth reports the error per tx)
            out.append({"txHash": "0x" + tx.hash.hex(), "error": e.message})
            continue
        out.append({"txHash": "0x" + tx.hash.hex(), "result": result})
    return out


@rpc("debug_traceTransaction", THREAD, timeout="trace")
def trace_transaction(b: Any, params: list) -> Any:
    value, opts = P.arity(params, 1, 2)
    loc = b.index.locate(P.hash32(value, "hash"))
    if loc is None or loc[1] >= b.index.evm_count(loc[0]):
        raise server_error("transaction not found")
    traced = _trace_block(b, loc[0], trace_config(opts), only=loc[1])[0]
    if "error" in traced:
        raise server_error(traced["error"])
    return traced["result"]


@rpc("debug_traceBlockByNumber", THREAD, timeout="trace")
def trace_block_by_number(b: Any, params: list) -> list[Any]:
    ref, opts = P.arity(params, 1, 2)
    height = b.block_number(ref)
    return _trace_block(b, height, trace_config(opts))


@rpc("debug_traceBlockByHash", THREAD, timeout="trace")
def trace_block_by_hash(b: Any, params: list) -> list[Any]:
    value, opts = P.arity(params, 1, 2)
    height = b.index.height_of(P.hash32(value, "blockHash"))
    if height is None:
        raise server_error("block not found")
    return _trace_block(b, height, trace_config(opts))


@rpc("debug_traceCall", THREAD, timeout="trace")
def trace_call(b: Any, params: list) -> Any:
    obj, ref, opts = P.arity(params, 1, 3)
    config = trace_config(opts)
    opts = opts or {}
    sim = prepare(b, obj, ref, opts.get("stateOverrides"), opts.get("blockOverrides"))
    place = TxPlace(None, sim.context.block_number, None, None)
    return trace(config, sim.msg.gas, lambda inst: sim.run(instrument=inst), place)
