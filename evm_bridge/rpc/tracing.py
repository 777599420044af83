"""Re-execution with tracing for debug_trace*: the call tracer and the struct-log tracer.

A tx is traced on the state at height - 1 after replaying the block's earlier txs with
``Backend.replay``: the node's glue installs the app's own tx runner there, so native txs
replay exactly as in FinalizeBlock; without it (``replay_evm_txs``) only the earlier EVM
txs are replayed.

The call tracer is built from py-evm's computation tree (message, output, gas, error of
each frame). Struct logs come from wrapping the computation's opcode table: each step
records pc, op, gas left, depth and the stack, and SLOAD/SSTORE steps the contract's
slots seen so far (as geth's ``storage``); ``gasCost`` is the gas left before the next
step at the same depth minus this step's (so a CALL's cost includes its child). Memory
is not captured.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evm_bridge.api import EvmTxError
from evm_bridge.execute import Execution, Instrument, error_text, execute_tx
from evm_bridge.txs import decode_tx, is_evm_tx
from ledger.context import BlockContext
from store.api import KVView

from .errors import reverted, server_error

Json = dict[str, Any]
MAX_STEPS = 200_000


def _word(v: int | bytes) -> str:
    return hex(v if isinstance(v, int) else int.from_bytes(v, "big"))


def _slot(v: int | bytes) -> str:
    n = v if isinstance(v, int) else int.from_bytes(v, "big")
    return n.to_bytes(32, "big").hex()


class StructLogger:
    def __init__(self) -> None:
        self.steps: list[Json] = []
        #: Per contract, the slots seen so far (geth shows them on SLOAD and SSTORE steps).
        self.storage: dict[bytes, dict[str, str]] = {}

    def instrument(self, cls: type[Any]) -> type[Any]:
        """``cls`` (a VM state class) with every opcode of its computation logged."""
        comp = cls.computation_class
        traced = type("TracedComputation", (comp,), {"opcodes": self.wrap(comp.opcodes)})
        return type("TracedState", (cls,), {"computation_class": traced})

    def wrap(self, opcodes: dict[int, Callable[..., Any]]) -> dict[int, Callable[..., Any]]:
        return {op: self._wrap(fn) for op, fn in opcodes.items()}

    def _wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        mnemonic = getattr(fn, "mnemonic", None) or getattr(getattr(fn, "__wrapped__", None), "mnemonic", "?")
        steps = self.steps

        op = mnemonic.upper()
        storage = self.storage

        def traced(computation: Any) -> Any:
            if len(steps) >= MAX_STEPS or not len(computation.code):  # no steps for code-less accounts
                return fn(computation=computation)
            stack = computation._stack.values
            step = {
                "pc": max(0, computation.code.program_counter - 1),
                "op": op,
                "gas": computation.get_gas_remaining(),
                "depth": computation.msg.depth + 1,
                "stack": [_word(v) for v in stack],
            }
            steps.append(step)
            if op not in ("SLOAD", "SSTORE") or not stack:
                return fn(computation=computation)
            slots = storage.setdefault(computation.msg.storage_address, {})
            key = _slot(stack[-1])
            if op == "SSTORE" and len(stack) > 1:
                slots[key] = _slot(stack[-2])
            out = fn(computation=computation)
            if op == "SLOAD" and computation._stack.values:
                slots[key] = _slot(computation._stack.values[-1])
            step["storage"] = dict(slots)
            return out

        traced.mnemonic = mnemonic  # type: ignore[attr-defined]
        return traced

    def result(self, gas_used: int, failed: bool, output: bytes) -> Json:
        steps = self.steps
        for i, s in enumerate(steps):
            nxt = next((t for t in steps[i + 1:] if t["depth"] <= s["depth"]), None)
            s["gasCost"] = s["gas"] - nxt["gas"] if nxt is not None and nxt["depth"] == s["depth"] else 0
        return {"gas": gas_used, "failed": failed, "returnValue": output.hex(), "structLogs": steps}


def _frame_type(c: Any, top: bool) -> str:
    m = c.msg
    if m.is_create:
        return "CREATE"
    if top:
        return "CALL"
    if m.is_static:
        return "STATICCALL"
    if m.code_address != m.storage_address:
        return "DELEGATECALL"
    return "CALL"


def call_frame(c: Any, top: bool = True, tx_gas: int | None = None, gas_used: int | None = None) -> Json:
    m = c.msg
    frame: Json = {
        "type": _frame_type(c, top),
        "from": "0x" + m.sender.hex(),
        "to": "0x" + m.storage_address.hex(),
        "value": hex(m.value),
        "gas": hex(tx_gas if tx_gas is not None else m.gas),
        "gasUsed": hex(gas_used if gas_used is not None else c.get_gas_used()),
        "input": "0x" + bytes(m.data).hex(),
        "output": "0x" + bytes(c.output).hex(),
    }
    if c.is_error:
        frame["error"] = error_text(c.error)
        if frame["error"] == "execution reverted":
            msg = reverted(bytes(c.output)).message
            if msg != "execution reverted":
                frame["revertReason"] = msg.removeprefix("execution reverted: ")
    if c.children:
        frame["calls"] = [call_frame(ch, top=False) for ch in c.children]
    return frame


def replay_evm_txs(chain_id: int) -> Callable[[KVView, BlockContext, list[bytes]], None]:
    """A replayer that runs a block's EVM txs (``execute_tx``) and skips the others."""

    def replay(view: KVView, ctx: BlockContext, raws: list[bytes]) -> None:
        for raw in raws:
            if is_evm_tx(raw):
                try:
                    tx = decode_tx(raw, chain_id)
                except EvmTxError:
                    continue
                execute_tx(tx, ctx, view)

    return replay


def trace(tracer: str, gas_limit: int, run: Callable[[Instrument | None], Execution]) -> Json:
    """Trace one execution (``run`` gets the tracer's instrument): the struct logs or the
    call frames, with the gas the execution itself charged."""
    logger = StructLogger() if tracer != "callTracer" else None
    execution = run(logger.instrument if logger is not None else None)
    c = execution.computation
    if c is None:  # the tx or call was invalid: nothing ran
        raise server_error(execution.result.log)
    gas_used = execution.result.gas_used
    if logger is not None:
        return logger.result(gas_used, c.is_error, bytes(c.output))
    return call_frame(c, tx_gas=gas_limit, gas_used=gas_used)
