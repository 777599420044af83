"""Runs one entry point of one contract: a fresh wasmtime store per call frame.

``call_export`` instantiates the cached module with the host imports bound to ``HostEnv``,
copies each argument into contract memory (``allocate``), calls the export, reads the
result region and charges the fuel used. Limits: ``MEMORY_LIMIT`` bytes of linear memory
(``memory.grow`` beyond it returns -1), one instance, small tables, the engine's Wasm stack,
and ``gas``. Any trap becomes a ``VmError`` (or ``OutOfGas``) with a one-line message.
"""

from __future__ import annotations

import wasmtime

from wasm_bridge import gas
from wasm_bridge.api import OutOfGas, VmError, WasmError
from wasm_bridge.cache import ModuleCache
from wasm_bridge.host import HostEnv, Imports
from wasm_bridge.regions import ContractMemory

MEMORY_LIMIT = 32 * 1024 * 1024
TABLE_LIMIT = 100_000
MAX_RESULT = 16 * 1024 * 1024


def _trap_message(exc: Exception) -> str:
    """The trap reason (wasmtime prints it after the backtrace), on one line."""
    lines = [line.strip() for line in str(exc).strip().splitlines()]
    reasons = [line for line in lines if line.startswith("wasm trap:")]
    return (reasons[0] if reasons else (lines[0] if lines else type(exc).__name__))[:300]


def _settle_failed(env: HostEnv, store: wasmtime.Store) -> None:
    """A failed call still pays for the instructions it ran (the tx's gas used shows them)."""
    try:
        env.fuel.settle(store)
    except OutOfGas:
        pass


def call_export(
    cache: ModuleCache, module: wasmtime.Module, env: HostEnv, export: str, args: list[bytes]
) -> bytes:
    """Call ``export(*regions(args))`` and return the bytes of its result region."""
    env.fuel.meter.charge(gas.INSTANCE_GAS + gas.copy_gas(sum(len(a) for a in args)))
    engine, types = cache.engine, cache.func_types
    store = wasmtime.Store(engine)
    store.set_limits(memory_size=MEMORY_LIMIT, table_elements=TABLE_LIMIT, instances=1, tables=4, memories=1)
    env.fuel.begin(store)
    linker = wasmtime.Linker(engine)
    imports = Imports(env).functions()
    for imp in module.imports:
        name = imp.name or ""
        if imp.module != "env" or name not in types:
            raise VmError(f"unknown host import {imp.module}.{name}")
        linker.define_func("env", name, types[name], imports[name], access_caller=True)
    try:
        instance = linker.instantiate(store, module)
        exports = instance.exports(store)
        memory, alloc, dealloc = exports.get("memory"), exports.get("allocate"), exports.get("deallocate")
        entry = exports.get(export)
        if not isinstance(memory, wasmtime.Memory) or not isinstance(alloc, wasmtime.Func):
            raise VmError("contract lacks memory or allocate")
        if not isinstance(entry, wasmtime.Func) or not isinstance(dealloc, wasmtime.Func):
            raise VmError(f"contract has no entry point {export!r}")
        env.memory = ContractMemory(store, memory, alloc, dealloc)
        ptrs = [env.memory.allocate_bytes(a) for a in args]
        result = entry(store, *ptrs)
        if not isinstance(result, int):
            raise VmError(f"entry point {export!r} returned no region")
        data = env.memory.read(result & 0xFFFFFFFF, MAX_RESULT, "result")
        env.fuel.settle(store)
    except OutOfGas:
        raise
    except WasmError:
        _settle_failed(env, store)
        raise
    except wasmtime.Trap as e:
        if e.trap_code == wasmtime.TrapCode.OUT_OF_FUEL:
            raise env.fuel.exhausted() from None
        _settle_failed(env, store)
        if e.trap_code == wasmtime.TrapCode.STACK_OVERFLOW:
            raise VmError("wasm trap: call stack exhausted") from None
        raise VmError(_trap_message(e)) from None
    except wasmtime.WasmtimeError as e:
        _settle_failed(env, store)
        raise VmError(_trap_message(e)) from None
    finally:
        env.iterators.clear()
        env.memory = None
    env.fuel.meter.charge(gas.copy_gas(len(data)))
    return data


__all__ = ["MEMORY_LIMIT", "OutOfGas", "call_export"]
