"""``MsgStoreCode``: unpack, validate, checksum, compile once and record the code."""

from __future__ import annotations

import gzip
import hashlib
import zlib

import wasmtime

from ledger.results import Event
from store.api import KVView
from wasm_bridge import gas, state
from wasm_bridge.api import CodeInfo, ValidationError, WasmError
from wasm_bridge.cache import ModuleCache
from wasm_bridge.host import IMPORT_NAMES
from wasm_bridge.validate import MAX_CODE_BYTES, MAX_UNCOMPRESSED_BYTES, check_code


def unpack(upload: bytes) -> bytes:
    """The Wasm bytes of an upload (gzip accepted, as wasmd does), size-checked."""
    if not upload:
        raise ValidationError("empty wasm code")
    if len(upload) > MAX_CODE_BYTES:
        raise ValidationError(f"wasm code too large: {len(upload)} > {MAX_CODE_BYTES} bytes")
    if upload[:2] != b"\x1f\x8b":
        return upload
    try:
        with gzip.GzipFile(fileobj=_Bounded(upload)) as f:
            code = f.read(MAX_UNCOMPRESSED_BYTES + 1)
    except (OSError, EOFError, zlib.error) as e:
        raise ValidationError(f"invalid gzip: {e}") from None
    if len(code) > MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(f"uncompressed wasm code exceeds {MAX_UNCOMPRESSED_BYTES} bytes")
    return code


class _Bounded:
    """A minimal read-only file over bytes (gzip needs ``read``)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self.data) if n < 0 else self.pos + n
        out = self.data[self.pos : end]
        self.pos += len(out)
        return out


def store_code(
    view: KVView, cache: ModuleCache, creator: str, upload: bytes, meter: gas.GasMeter
) -> tuple[CodeInfo, tuple[Event, ...]]:
    """Validate and record ``upload``; returns the new code's info and the ``store_code`` event."""
    code = unpack(upload)
    meter.charge(gas.COMPILE_GAS_PER_BYTE * len(code))
    check_code(code, IMPORT_NAMES)
    checksum = hashlib.sha256(code).digest()
    try:
        cache.get(checksum, lambda: code)
    except wasmtime.WasmtimeError as e:
        raise WasmError(f"invalid wasm: {str(e).splitlines()[0][:300]}") from None
    info = CodeInfo(state.next_sequence(view, state.LAST_CODE_ID), checksum, creator)
    state.put_code(view, info, code)
    event = Event("store_code", (("code_checksum", checksum.hex()), ("code_id", str(info.code_id))))
    return info, (event,)
