"""Re-execution with tracing for debug_trace*: the call tracer and the struct-log tracer.

A tx is traced on the state at height - 1 after replaying the block's earlier txs with
``Backend.replay``: the node's glue installs the app's own tx runner there, so native txs
replay exactly as in FinalizeBlock; without it (``replay_evm_txs``) only the earlier EVM
txs are replayed.

The call tracer is built from py-evm's computation tree (message, output, gas, error of
each frame; ``withLog`` adds each frame's logs with their position among its calls,
``onlyTopCall`` drops the children); the flat call tracer lists those frames
(``flat_calls``), the prestate tracer reads the tx's account database (``prestate``).
Struct logs come from wrapping the computation's opcode table: each step records pc, op,
gas left, depth, the stack (unless ``disableStack``), memory as 32-byte words
(``enableMemory``), the last call's return data (``enableReturnData``) and on
SLOAD/SSTORE the contract's slots seen so far (geth's ``storage``, unless
``disableStorage``); ``gasCost`` is the gas left before the next step at the same depth
minus this step's (so a CALL's cost includes its child).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eth_rpc.errors import reverted, server_error
from eth_rpc.flat_calls import TxPlace, flatten
from eth_rpc.prestate import PrestateTracer
from eth_rpc.trace_config import CALL_TRACER, FLAT_CALL_TRACER, PRESTATE_TRACER, TraceConfig
from evm_bridge.api import EvmTxError
from evm_bridge.execute import Execution, Instrument, error_text, execute_tx
from evm_bridge.precompiles.registry import PrecompileTable
from evm_bridge.txs import decode_tx, is_evm_tx
from ledger.context import BlockContext
from store.api import KVView

Json = dict[str, Any]
MAX_STEPS = 200_000
DEFAULT_CONFIG = TraceConfig()


def _word(v: int | bytes) -> str:
    return hex(v if isinstance(v, int) else int.from_bytes(v, "big"))


def _slot(v: int | bytes) -> str:
    n = v if isinstance(v, int) else int.from_bytes(v, "big")
    return n.to_bytes(32, "big").hex()


def _memory_words(computation: Any) -> list[str]:
    raw = bytes(computation._memory._bytes)
    return [raw[i:i + 32].hex() for i in range(0, len(raw), 32)]


class StructLogger:
    def __init__(self, config: TraceConfig = DEFAULT_CONFIG) -> None:
        self.config = config
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
        cfg = self.config

        def traced(computation: Any) -> Any:
            if len(steps) >= MAX_STEPS or not len(computation.code):  # no steps for code-less accounts
                return fn(computation=computation)
            stack = computation._stack.values
            step = {
                "pc": max(0, computation.code.program_counter - 1),
                "op": op,
                "gas": computation.get_gas_remaining(),
                "depth": computation.msg.depth + 1,
            }
            if not cfg.disable_stack:
                step["stack"] = [_word(v) for v in stack]
            if cfg.enable_memory:
                step["memory"] = _memory_words(computation)
            if cfg.enable_return_data:
                step["returnData"] = "0x" + bytes(computation.return_data).hex()
            steps.append(step)
            if op not in ("SLOAD", "SSTORE") or not stack or cfg.disable_storage:
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


class LogPositions:
    """Instrument for ``withLog``: notes on each child frame how many logs its parent had
    emitted before it started, so a log's ``position`` is the calls made before it."""

    @staticmethod
    def instrument(cls: type[Any]) -> type[Any]:
        comp = cls.computation_class

        def apply_child_computation(self: Any, child_msg: Any) -> Any:
            before = len(self._log_entries)
            child = comp.apply_child_computation(self, child_msg)
            child.logs_before = before
            return child

        counted = type("LogPositionComputation", (comp,), {"apply_child_computation": apply_child_computation})
        return type("LogPositionState", (cls,), {"computation_class": counted})


def _frame_logs(c: Any) -> list[Json]:
    starts = [getattr(ch, "logs_before", 0) for ch in c.children]
    out = []
    for i, (_, address, topics, data) in enumerate(c._log_entries):
        out.append({
            "address": "0x" + bytes(address).hex(),
            "topics": ["0x" + t.to_bytes(32, "big").hex() for t in topics],
            "data": "0x" + bytes(data).hex(),
            "position": hex(sum(1 for s in starts if s <= i)),
        })
    return out


def call_frame(c: Any, top: bool = True, tx_gas: int | None = None, gas_used: int | None = None,
               config: TraceConfig = DEFAULT_CONFIG) -> Json:
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
    elif config.with_log and c._log_entries:
        frame["logs"] = _frame_logs(c)
    if c.children and not config.only_top_call:
        frame["calls"] = [call_frame(ch, top=False, config=config) for ch in c.children]
    return frame


def replay_evm_txs(
    chain_id: int, precompiles: PrecompileTable
) -> Callable[[KVView, BlockContext, list[bytes]], None]:
    """A replayer that runs a block's EVM txs (``execute_tx``) and skips the others."""

    def replay(view: KVView, ctx: BlockContext, raws: list[bytes]) -> None:
        for raw in raws:
            if is_evm_tx(raw):
                try:
                    tx = decode_tx(raw, chain_id)
                except EvmTxError:
                    continue
                execute_tx(tx, ctx, view, precompiles)

    return replay


def trace(config: TraceConfig, gas_limit: int, run: Callable[[Instrument | None], Execution],
          place: TxPlace | None = None) -> Any:
    """Trace one execution (``run`` gets the tracer's instrument) with the configured tracer,
    with the gas the execution itself charged; ``place`` names the tx for the flat tracer."""
    if config.tracer == PRESTATE_TRACER:
        prestate = PrestateTracer(config.diff_mode)
        execution = run(prestate.instrument)
        _ran(execution)
        return prestate.result()
    if config.tracer in (CALL_TRACER, FLAT_CALL_TRACER):
        execution = run(LogPositions.instrument if config.with_log else None)
        c = _ran(execution)
        frame = call_frame(c, tx_gas=gas_limit, gas_used=execution.result.gas_used, config=config)
        if config.tracer == CALL_TRACER:
            return frame
        return flatten(frame, place or TxPlace(None, 0, None, None))
    logger = StructLogger(config)
    execution = run(logger.instrument)
    c = _ran(execution)
    return logger.result(execution.result.gas_used, c.is_error, bytes(c.output))


def _ran(execution: Execution) -> Any:
    """The top computation; an invalid tx or call did not run: its error."""
    if execution.computation is None:
        raise server_error(execution.result.log)
    return execution.computation
