"""Static checks of uploaded Wasm code (``MsgStoreCode``), before wasmtime ever compiles it.

The code must be a Wasm 1.0 module with exactly one memory of at most ``MAX_MEMORY_PAGES``
initial pages, exported as ``memory``; export the functions ``allocate``, ``deallocate`` and
``interface_version_8``; import only functions of the ``env`` module named in
``host.IMPORT_NAMES``; and contain no floating-point or SIMD instruction, no float local,
global or signature (wasmtime cannot switch floats off, so the code section is scanned
opcode by opcode). Anything not understood is rejected: an unknown instruction is an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wasm_bridge.api import WasmError

MAX_CODE_BYTES = 800 * 1024  # wasmd's MaxWasmSize (the upload, possibly gzipped)
MAX_UNCOMPRESSED_BYTES = 3 * 1024 * 1024
MAX_MEMORY_PAGES = 512  # 32 MiB of initial memory
MAX_FUNCTIONS = 20_000
MAX_EXPORTS = 100
MAX_IMPORTS = 100
REQUIRED_EXPORTS = ("allocate", "deallocate", "interface_version_8")

INT_TYPES = {0x7F: "i32", 0x7E: "i64"}
REF_TYPES = {0x70: "funcref", 0x6F: "externref"}
FLOAT_TYPES = {0x7D: "f32", 0x7C: "f64", 0x7B: "v128"}

# Opcodes without immediates that are integer-only.
_PLAIN = frozenset(
    [0x00, 0x01, 0x05, 0x0B, 0x0F, 0x1A, 0x1B, 0xA7, 0xAC, 0xAD, 0xD1]
    + list(range(0x45, 0x5B))
    + list(range(0x67, 0x8B))
    + list(range(0xC0, 0xC5))
)
_ONE_INDEX = frozenset([0x0C, 0x0D, 0x10, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0xD2, 0x3F, 0x40])
_INT_MEMORY = frozenset([0x28, 0x29] + list(range(0x2C, 0x38)) + list(range(0x3A, 0x3F)))
_FLOAT = frozenset(
    [0x2A, 0x2B, 0x38, 0x39, 0x43, 0x44, 0xA8, 0xA9, 0xAA, 0xAB]
    + list(range(0x5B, 0x67))
    + list(range(0x8B, 0xA7))
    + list(range(0xAE, 0xC0))
)
# 0xFC sub-opcodes: 0-7 are saturating float truncations; 8-17 bulk memory / table ops
# with this many u32 immediates.
_FC_INDEXES = {8: 2, 9: 1, 10: 2, 11: 1, 12: 2, 13: 1, 14: 2, 15: 1, 16: 1, 17: 1}


@dataclass(frozen=True)
class CodeSummary:
    """What store-time validation learned about a module."""

    exports: tuple[str, ...]
    imports: tuple[str, ...]
    memory_pages: int


class _Reader:
    __slots__ = ("data", "pos", "end")

    def __init__(self, data: bytes, pos: int = 0, end: int | None = None) -> None:
        self.data, self.pos = data, pos
        self.end = len(data) if end is None else end

    def byte(self) -> int:
        if self.pos >= self.end:
            raise WasmError("invalid wasm: unexpected end of section")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def uleb(self, bits: int = 32) -> int:
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
            if shift >= bits + 7:
                raise WasmError("invalid wasm: integer too long")
        return result

    def sleb(self, bits: int) -> None:
        self.uleb(bits)  # skipping only: the sign does not matter here

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > self.end:
            raise WasmError("invalid wasm: length out of bounds")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def name(self) -> str:
        raw = self.take(self.uleb())
        try:
            return raw.decode()
        except UnicodeDecodeError:
            raise WasmError("invalid wasm: name is not UTF-8") from None

    def done(self) -> bool:
        return self.pos >= self.end


def _valtype(b: int, where: str) -> None:
    if b in FLOAT_TYPES:
        raise WasmError(f"float operations are not supported: {FLOAT_TYPES[b]} {where}")
    if b not in INT_TYPES and b not in REF_TYPES:
        raise WasmError(f"invalid wasm: unknown value type 0x{b:02x} {where}")


def _limits(r: _Reader) -> tuple[int, int | None]:
    flag = r.byte()
    if flag not in (0, 1):
        raise WasmError("shared or 64-bit memories and tables are not supported")
    low = r.uleb()
    return low, (r.uleb() if flag == 1 else None)


def _blocktype(r: _Reader) -> None:
    b = r.data[r.pos] if r.pos < r.end else -1
    if b == 0x40:
        r.pos += 1
    elif b in INT_TYPES or b in REF_TYPES or b in FLOAT_TYPES:
        r.pos += 1
        _valtype(b, "as a block result")
    else:
        r.sleb(33)


def scan_body(r: _Reader, index: int) -> None:
    """Walk one function body's instructions; raise on floats, SIMD and unknown opcodes."""
    for _ in range(r.uleb()):
        r.uleb()
        _valtype(r.byte(), f"local in function {index}")
    while not r.done():
        op = r.byte()
        if op in _PLAIN:
            continue
        if op in _ONE_INDEX:
            r.uleb()
        elif op in _INT_MEMORY:
            r.uleb()
            r.uleb()
        elif op in (0x02, 0x03, 0x04):
            _blocktype(r)
        elif op == 0x0E:
            for _ in range(r.uleb() + 1):
                r.uleb()
        elif op == 0x11:
            r.uleb()
            r.uleb()
        elif op == 0x41:
            r.sleb(32)
        elif op == 0x42:
            r.sleb(64)
        elif op == 0x1C:
            for _ in range(r.uleb()):
                _valtype(r.byte(), "in select")
        elif op == 0xD0:
            r.byte()
        elif op == 0xFC:
            sub = r.uleb()
            if sub < 8:
                raise WasmError(f"float operations are not supported: 0xfc {sub} in function {index}")
            if sub not in _FC_INDEXES:
                raise WasmError(f"unsupported instruction 0xfc {sub} in function {index}")
            for _ in range(_FC_INDEXES[sub]):
                r.uleb()
        elif op in _FLOAT:
            raise WasmError(f"float operations are not supported: opcode 0x{op:02x} in function {index}")
        elif op == 0xFD:
            raise WasmError(f"SIMD operations are not supported (function {index})")
        else:
            raise WasmError(f"unsupported instruction 0x{op:02x} in function {index}")


def _const_expr(r: _Reader) -> None:
    while (op := r.byte()) != 0x0B:
        if op in (0x41, 0x42):
            r.sleb(64)
        elif op in (0x23, 0xD2):
            r.uleb()
        elif op == 0xD0:
            r.byte()
        else:
            raise WasmError(f"unsupported constant expression opcode 0x{op:02x}")


def _types(r: _Reader) -> None:
    for i in range(r.uleb()):
        if r.byte() != 0x60:
            raise WasmError("invalid wasm: bad function type")
        for _ in range(2):  # params, results
            for _ in range(r.uleb()):
                _valtype(r.byte(), f"in function type {i}")


def _imports(r: _Reader, allowed: Iterable[str]) -> list[str]:
    names, allowed_set = [], set(allowed)
    for _ in range(r.uleb()):
        module, field, kind = r.name(), r.name(), r.byte()
        if kind != 0:
            raise WasmError(f"import {module}.{field}: only function imports are supported")
        r.uleb()
        if module != "env" or field not in allowed_set:
            raise WasmError(f"unknown host import {module}.{field}")
        names.append(field)
    if len(names) > MAX_IMPORTS:
        raise WasmError(f"too many imports ({len(names)} > {MAX_IMPORTS})")
    return names


def _exports(r: _Reader) -> dict[str, int]:
    out: dict[str, int] = {}
    for _ in range(r.uleb()):
        name, kind = r.name(), r.byte()
        r.uleb()
        out[name] = kind
    if len(out) > MAX_EXPORTS:
        raise WasmError(f"too many exports ({len(out)} > {MAX_EXPORTS})")
    return out


def check_code(code: bytes, allowed_imports: Iterable[str]) -> CodeSummary:
    """Validate ``code`` (uncompressed); raises ``WasmError`` with the reason."""
    if len(code) > MAX_UNCOMPRESSED_BYTES:
        raise WasmError(f"wasm code too large: {len(code)} > {MAX_UNCOMPRESSED_BYTES} bytes")
    if code[:8] != b"\x00asm\x01\x00\x00\x00":
        raise WasmError("invalid wasm: bad magic or version")
    r = _Reader(code, 8)
    memories, exports, imports, functions, bodies = 0, {}, [], 0, 0
    pages = 0
    while not r.done():
        section, size = r.byte(), r.uleb()
        s = _Reader(code, r.pos, r.pos + size)
        if s.end > len(code):
            raise WasmError("invalid wasm: section out of bounds")
        r.pos = s.end
        if section == 1:
            _types(s)
        elif section == 2:
            imports = _imports(s, allowed_imports)
        elif section == 3:
            functions = s.uleb()
        elif section == 5:
            for _ in range(s.uleb()):
                memories += 1
                pages, _max = _limits(s)
        elif section == 6:
            for _ in range(s.uleb()):
                _valtype(s.byte(), "as a global type")
                s.byte()
                _const_expr(s)
        elif section == 7:
            exports = _exports(s)
        elif section == 10:
            bodies = s.uleb()
            for i in range(bodies):
                size_i = s.uleb()
                scan_body(_Reader(code, s.pos, s.pos + size_i), i)
                s.pos += size_i
    if memories != 1:
        raise WasmError(f"wasm contract must contain exactly one memory (found {memories})")
    if pages > MAX_MEMORY_PAGES:
        raise WasmError(f"wasm contract memory's minimum ({pages} pages) exceeds {MAX_MEMORY_PAGES} pages")
    if exports.get("memory") != 2:
        raise WasmError("wasm contract must export its memory as 'memory'")
    missing = [n for n in REQUIRED_EXPORTS if exports.get(n) != 0]
    if missing:
        raise WasmError(f"wasm contract is missing required exports: {', '.join(missing)}")
    if functions > MAX_FUNCTIONS or functions != bodies:
        raise WasmError(f"wasm contract has {functions} functions (at most {MAX_FUNCTIONS}, one body each)")
    return CodeSummary(tuple(sorted(exports)), tuple(imports), pages)
