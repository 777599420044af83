"""eth_call / eth_estimateGas: run a message on a read view without committing anything.

The VM state buffers every write in its own journal and only ``flush`` would write to
the view; ``call`` never flushes, so the read view itself is the scratch overlay's base
and stays untouched. No signature, nonce or balance checks for the gas (gas price 0
unless given, as in geth's eth_call); a value transfer still needs the funds.
"""

from __future__ import annotations

from typing import Any, cast

from ledger.context import BlockContext
from store.api import KVView, ReadView

from .api import CallResult, EvmLog
from .execute import error_text
from .gas import initcode_word_gas, intrinsic_gas
from .vm import VmTx, new_state

#: Sei's default gas cap for simulations.
SIMULATION_GAS_LIMIT = 10_000_000
ZERO_ADDRESS = bytes(20)


def call(
    view: ReadView,
    ctx: BlockContext,
    sender: bytes | None,
    to: bytes | None,
    data: bytes = b"",
    value: int = 0,
    gas: int | None = None,
    gas_price: int = 0,
) -> CallResult:
    """Execute a call (``to`` set) or a creation (``to`` None) from ``sender`` and return
    success, return data and the gas a real tx would use."""
    sender = sender or ZERO_ADDRESS
    gas = min(gas or SIMULATION_GAS_LIMIT, max(ctx.gas_limit, SIMULATION_GAS_LIMIT))
    need = intrinsic_gas(data, to is None, ())
    if gas < need:
        return CallResult(False, b"", 0, f"intrinsic gas too low: have {gas}, want {need}")
    state = new_state(cast(KVView, view), ctx)
    vmtx = VmTx(
        sender, state.get_nonce(sender), gas, to, value, data, gas_price, gas_price,
        intrinsic_gas=need - (initcode_word_gas(data) if to is None else 0),
    )
    c: Any = state.transaction_executor_class(state)(vmtx)
    used = gas - c.get_gas_remaining()
    gas_used = used - min(c.get_gas_refund(), used // 5) + c.data_floor_gas
    if not c.is_success:
        return CallResult(False, c.output, gas_used, error_text(c.error))
    logs = tuple(EvmLog(a, tuple(t.to_bytes(32, "big") for t in ts), d) for a, ts, d in c.get_log_entries())
    return CallResult(True, b"" if to is None else c.output, gas_used, "", logs)
