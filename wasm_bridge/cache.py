"""A wasmtime engine and its compiled-module cache, keyed by code checksum.

``ModuleCache`` is built by whoever builds the ``Keeper`` (the wasm module's factory: once
per process in each worker) and handed to everything that compiles or runs code; there is
no process-global cache. The engine is configured for determinism: fuel metering on, NaN
canonicalisation on (floats are rejected at store time anyway), SIMD, threads, relaxed
SIMD, multi-memory, memory64 and tail calls off, a bounded Wasm stack (deep recursion traps
the same way everywhere). Two LRU tiers: live ``wasmtime.Module`` objects, and their
``serialize()``d artifacts, which ``deserialize`` back in about a millisecond; a miss in
both compiles once. Caching is an optimisation only: results never depend on it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable

import wasmtime

from wasm_bridge.host import func_types

MAX_WASM_STACK = 512 * 1024
LIVE_MODULES = 32
SERIALIZED_MODULES = 128


def make_engine() -> wasmtime.Engine:
    cfg = wasmtime.Config()
    cfg.consume_fuel = True
    cfg.cranelift_nan_canonicalization = True
    cfg.wasm_simd = False
    cfg.wasm_relaxed_simd = False
    cfg.wasm_threads = False
    cfg.wasm_multi_memory = False
    cfg.wasm_memory64 = False
    cfg.wasm_tail_call = False
    cfg.max_wasm_stack = MAX_WASM_STACK
    cfg.parallel_compilation = False
    return wasmtime.Engine(cfg)


class ModuleCache:
    """Compiled modules by sha256 checksum; ``stats`` counts compiles and hits."""

    def __init__(self, engine: wasmtime.Engine | None = None) -> None:
        self.engine = engine or make_engine()
        #: The host import types, bound to this engine.
        self.func_types = func_types()
        self._live: OrderedDict[bytes, wasmtime.Module] = OrderedDict()
        self._serialized: OrderedDict[bytes, bytes] = OrderedDict()
        self.stats = {"compiled": 0, "deserialized": 0, "hits": 0}

    def compile(self, code: bytes) -> wasmtime.Module:
        """Compile (and cache) ``code``; raises ``wasmtime.WasmtimeError`` if invalid."""
        checksum = hashlib.sha256(code).digest()
        module = wasmtime.Module(self.engine, code)
        self.stats["compiled"] += 1
        self._remember(checksum, module)
        return module

    def get(self, checksum: bytes, load_code: Callable[[], bytes]) -> wasmtime.Module:
        """The module for ``checksum``; ``load_code()`` gives the code on a full miss."""
        module = self._live.get(checksum)
        if module is not None:
            self._live.move_to_end(checksum)
            self.stats["hits"] += 1
            return module
        artifact = self._serialized.get(checksum)
        if artifact is not None:
            module = wasmtime.Module.deserialize(self.engine, artifact)
            self.stats["deserialized"] += 1
            self._live[checksum] = module
            self._trim()
            return module
        return self.compile(load_code())

    def _remember(self, checksum: bytes, module: wasmtime.Module) -> None:
        self._live[checksum] = module
        self._serialized[checksum] = module.serialize()
        self._trim()

    def _trim(self) -> None:
        while len(self._live) > LIVE_MODULES:
            self._live.popitem(last=False)
        while len(self._serialized) > SERIALIZED_MODULES:
            self._serialized.popitem(last=False)
