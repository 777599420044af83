"""Store-time validation: required exports, known imports, no floats, bounded memory, size."""

from __future__ import annotations

import gzip
import hashlib

import pytest
import wasmtime

from wasm_bridge import state
from wasm_bridge.api import ValidationError, WasmError
from wasm_bridge.code import unpack
from wasm_bridge.host import IMPORT_NAMES
from wasm_bridge.validate import MAX_CODE_BYTES, check_code

from .conftest import WAT_DIR, upload, wat


def check(code: bytes) -> None:
    check_code(code, IMPORT_NAMES)


def test_echo_contract_passes():
    summary = check_code(wat(), IMPORT_NAMES)
    assert {"allocate", "deallocate", "interface_version_8", "execute"} <= set(summary.exports)
    assert summary.memory_pages == 17


def test_cw20_base_passes(cw20_code):
    summary = check_code(cw20_code, IMPORT_NAMES)
    assert {"instantiate", "execute", "query", "migrate"} <= set(summary.exports)
    assert {"db_read", "db_write", "db_scan", "db_next", "query_chain"} <= set(summary.imports)


@pytest.mark.parametrize(
    "body",
    [
        "(drop (f64.add (f64.const 1) (f64.const 2))) local.get $msg",
        "(drop (f32.const 1.5)) local.get $msg",
        "(drop (i32.trunc_sat_f64_s (f64.const 1))) local.get $msg",
        "(drop (f32.convert_i32_s (local.get $msg))) local.get $msg",
        "(drop (i64.reinterpret_f64 (f64.const 0))) local.get $msg",
    ],
)
def test_float_instructions_rejected(body):
    with pytest.raises(WasmError, match="float operations are not supported"):
        check(wat(body))


def test_float_local_and_signature_rejected():
    with pytest.raises(WasmError, match="float"):
        check(wat("(local $x f64) local.get $msg"))
    code = wasmtime.wat2wasm(
        '(module (memory (export "memory") 1) (func (export "allocate") (param f32) (result i32) i32.const 0))'
    )
    with pytest.raises(WasmError, match="float"):
        check(code)


def test_simd_rejected():
    with pytest.raises(WasmError, match="SIMD|float"):
        check(wat("(drop (v128.const i32x4 0 0 0 0)) local.get $msg"))


def test_missing_exports_rejected():
    text = (WAT_DIR / "echo.wat").read_text().replace('(export "interface_version_8")', "")
    with pytest.raises(WasmError, match="missing required exports: interface_version_8"):
        check(wasmtime.wat2wasm(text))


def test_unknown_import_rejected():
    text = (WAT_DIR / "echo.wat").read_text()
    text = text.replace('(import "env" "db_read"', '(import "env" "gas" (func $gas (param i32)))\n  (import "env" "db_read"')
    with pytest.raises(WasmError, match="unknown host import env.gas"):
        check(wasmtime.wat2wasm(text))


def test_huge_initial_memory_rejected():
    text = (WAT_DIR / "echo.wat").read_text().replace('(memory (export "memory") 17)', '(memory (export "memory") 600)')
    with pytest.raises(WasmError, match="exceeds 512 pages"):
        check(wasmtime.wat2wasm(text))


def test_garbage_and_oversize_rejected():
    with pytest.raises(WasmError, match="magic"):
        check(b"not wasm at all")
    with pytest.raises(ValidationError, match="too large"):
        unpack(b"\x00asm" + b"\x00" * MAX_CODE_BYTES)


def test_gzip_upload_stores_the_uncompressed_checksum(view, keeper):
    code = wat()
    assert unpack(gzip.compress(code)) == code
    code_id = upload(view, keeper, code)
    assert state.code_info(view, code_id).checksum == hashlib.sha256(code).digest()


def test_float_code_cannot_be_stored(view, keeper):
    with pytest.raises(WasmError, match="float"):
        upload(view, keeper, wat("(drop (f64.const 1)) local.get $msg"))
    assert not view.writes().get("wasm")
