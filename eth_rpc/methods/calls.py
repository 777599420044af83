"""Simulation: eth_call (state and block overrides), eth_estimateGas (geth's search,
``evm_bridge.estimate``), eth_createAccessList (``rpc.accesslist``). All run through
``rpc.simulation``, i.e. the block's execution path; a revert is error code 3 with the
revert data."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.accesslist import create_access_list as build_access_list
from eth_rpc.errors import RpcError, reverted, server_error
from eth_rpc.method_spec import THREAD, rpc
from eth_rpc.simulation import prepare, raise_failure
from evm_bridge.account_db import read_code
from evm_bridge.estimate import EstimateError, estimate


@rpc("eth_call", THREAD, timeout="call")
def eth_call(b: Any, params: list) -> str:
    obj, ref, overrides, block_overrides = P.arity(params, 1, 4)
    r = prepare(b, obj, ref, overrides, block_overrides).call()
    if not r.success:
        raise_failure(r)
    return "0x" + r.output.hex()


@rpc("eth_estimateGas", THREAD, timeout="call")
def estimate_gas(b: Any, params: list) -> str:
    obj, ref, overrides, block_overrides = P.arity(params, 1, 4)
    sim = prepare(b, obj, ref, overrides, block_overrides)
    msg = sim.msg
    plain = msg.to is not None and not msg.data and not read_code(sim.view, msg.to)
    try:
        return hex(estimate(sim.call, sim.allowance(), plain))
    except EstimateError as e:
        if e.result.error == "execution reverted":
            raise reverted(e.result.output) from None
        raise server_error(str(e)) from None


@rpc("eth_createAccessList", THREAD, timeout="call")
def create_access_list(b: Any, params: list) -> dict:
    obj, ref, overrides, block_overrides = P.arity(params, 1, 4)
    sim = prepare(b, obj, ref, overrides, block_overrides)
    entries, r = build_access_list(sim)
    out: dict[str, Any] = {
        "accessList": [
            {"address": "0x" + a.hex(), "storageKeys": ["0x" + s.to_bytes(32, "big").hex() for s in slots]}
            for a, slots in entries
        ],
        "gasUsed": hex(r.gas_used),
    }
    if not r.success:
        try:
            raise_failure(r)
        except RpcError as e:
            out["error"] = e.message
    return out
