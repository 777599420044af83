"""eth_simulateV1: blocks of calls on one evolving state (``rpc.simulate_blocks``)."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.method_spec import THREAD, rpc
from eth_rpc.simulate_blocks import simulate_v1


@rpc("eth_simulateV1", THREAD, timeout="call")
def eth_simulate_v1(b: Any, params: list) -> list[dict[str, Any]]:
    payload, ref = P.arity(params, 1, 2)
    return simulate_v1(b, payload, ref)
