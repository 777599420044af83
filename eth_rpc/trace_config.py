"""geth's trace config for debug_trace*: which tracer, and its options.

Tracers: the struct logger (default; ``enableMemory``, ``disableStack``,
``disableStorage``, ``enableReturnData``), ``callTracer`` (``tracerConfig``:
``onlyTopCall``, ``withLog``), ``flatCallTracer`` (Parity's flat list) and
``prestateTracer`` (``tracerConfig.diffMode``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_rpc.errors import invalid_params

STRUCT_LOGGER, CALL_TRACER, FLAT_CALL_TRACER, PRESTATE_TRACER = (
    "structLogger", "callTracer", "flatCallTracer", "prestateTracer",
)
TRACERS = (CALL_TRACER, FLAT_CALL_TRACER, PRESTATE_TRACER)


@dataclass(frozen=True)
class TraceConfig:
    tracer: str = STRUCT_LOGGER
    enable_memory: bool = False
    disable_stack: bool = False
    disable_storage: bool = False
    enable_return_data: bool = False
    only_top_call: bool = False
    with_log: bool = False
    diff_mode: bool = False


def _flag(obj: dict[str, Any], name: str) -> bool:
    value = obj.get(name, False)
    if not isinstance(value, bool):
        raise invalid_params(f"invalid argument: {name} must be a boolean")
    return value


def trace_config(opts: Any) -> TraceConfig:
    """A ``TraceConfig`` from the request's trace options (None: the struct logger)."""
    if opts is None:
        return TraceConfig()
    if not isinstance(opts, dict):
        raise invalid_params("invalid argument 1: trace config must be an object")
    tracer = opts.get("tracer") or STRUCT_LOGGER
    if tracer != STRUCT_LOGGER and tracer not in TRACERS:
        raise invalid_params(f"tracer {tracer!r} not supported (callTracer, flatCallTracer, prestateTracer "
                             "or the default struct logger)")
    sub = opts.get("tracerConfig") or {}
    if not isinstance(sub, dict):
        raise invalid_params("invalid argument: tracerConfig must be an object")
    return TraceConfig(
        tracer=tracer,
        enable_memory=_flag(opts, "enableMemory"),
        disable_stack=_flag(opts, "disableStack"),
        disable_storage=_flag(opts, "disableStorage"),
        enable_return_data=_flag(opts, "enableReturnData"),
        only_top_call=_flag(sub, "onlyTopCall"),
        with_log=_flag(sub, "withLog"),
        diff_mode=_flag(sub, "diffMode"),
    )
