"""Simulation: eth_call (with state overrides), eth_estimateGas (binary search),
eth_createAccessList. All run ``evm_bridge.call.call`` on a read view, capped at
``rpc_gas_cap``; a revert is error code 3 with the revert data."""

from __future__ import annotations

from typing import Any

from evm_bridge.api import CallResult
from evm_bridge.call import call as evm_call
from evm_bridge.gas import ACCESS_LIST_ADDRESS_GAS, ACCESS_LIST_SLOT_GAS, TX_GAS

from .. import params as P
from ..accesslist import RecordingView
from ..errors import RpcError, reverted, server_error
from ..overrides import apply_overrides
from ..registry import THREAD, rpc

#: geth stops the estimate's binary search when within this ratio of the answer.
ESTIMATE_ERROR_RATIO = 0.015


def _simulate(b: Any, c: dict, height: int, view: Any, gas: int | None) -> CallResult:
    cap = b.config.gas_cap
    price = c["gasPrice"] if c["gasPrice"] is not None else (c["maxFeePerGas"] or 0)
    return evm_call(view, b.context_at(height), c["from"], c["to"], c["data"], c["value"], min(gas or cap, cap), price)


def _raise_failure(r: CallResult) -> None:
    if r.error == "execution reverted":
        raise reverted(r.output)
    raise server_error(r.error or "execution failed")


@rpc("eth_call", THREAD, timeout="call")
def eth_call(b: Any, params: list) -> str:
    obj, ref, overrides, _block_overrides = P.arity(params, 1, 4)
    c = P.call_object(obj)
    height = b.block_ref(ref or "latest")
    view = apply_overrides(b.state_at(height), overrides)
    r = _simulate(b, c, height, view, c["gas"])
    if not r.success:
        _raise_failure(r)
    return "0x" + r.output.hex()


@rpc("eth_estimateGas", THREAD, timeout="call")
def estimate_gas(b: Any, params: list) -> str:
    obj, ref, overrides = P.arity(params, 1, 3)
    c = P.call_object(obj)
    height = b.block_ref(ref or "latest")
    view = apply_overrides(b.state_at(height), overrides)
    hi = min(c["gas"] or b.config.gas_cap, b.config.gas_cap)
    first = _simulate(b, c, height, view, hi)
    if not first.success:
        _raise_failure(first)
    if c["to"] is not None and not c["data"] and first.gas_used == TX_GAS:
        return hex(TX_GAS)
    if _simulate(b, c, height, view, first.gas_used).success:
        return hex(first.gas_used)
    lo = first.gas_used
    while lo + 1 < hi:
        if (hi - lo) / hi < ESTIMATE_ERROR_RATIO:
            break
        mid = (lo + hi) // 2
        if _simulate(b, c, height, view, mid).success:
            hi = mid
        else:
            lo = mid
    return hex(hi)


@rpc("eth_createAccessList", THREAD, timeout="call")
def create_access_list(b: Any, params: list) -> dict:
    obj, ref = P.arity(params, 1, 2)
    c = P.call_object(obj)
    height = b.block_ref(ref or "latest")
    view = RecordingView(b.state_at(height))
    r = _simulate(b, c, height, view, c["gas"])
    exclude = {a for a in (c["from"], c["to"]) if a is not None}
    entries = view.access_list(exclude)
    extra = sum(ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_SLOT_GAS * len(slots) for _, slots in entries)
    out: dict[str, Any] = {
        "accessList": [
            {"address": "0x" + a.hex(), "storageKeys": ["0x" + s.to_bytes(32, "big").hex() for s in slots]}
            for a, slots in entries
        ],
        "gasUsed": hex(r.gas_used + extra),
    }
    if not r.success:
        try:
            _raise_failure(r)
        except RpcError as e:
            out["error"] = e.message
    return out
