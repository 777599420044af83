"""The JSON precompile at ``0x…1003`` (interface ``Json.sol``): read a top-level key of a
JSON object.

A string value is returned as its UTF-8 bytes (no quotes); any other value as its compact
JSON text. Gas (on top of ``base.BASE_GAS``): 1,000 + 3 per input byte for every method.
"""

from __future__ import annotations

import json as jsonlib
from typing import Any

from evm_bridge.precompiles.api import PrecompileError
from evm_bridge.precompiles.base import Call, PrecompileBase, method
from untrusted import json_text

ADDRESS = (0x1003).to_bytes(20, "big")
PER_BYTE_GAS = 3


def _value(call: Call) -> Any:
    data, key = call.args
    call.computation.consume_gas(PER_BYTE_GAS * len(data), reason="precompile json input")
    try:
        obj = json_text.loads(data)
    except ValueError as e:
        raise PrecompileError(f"input is not valid JSON: {e}") from None
    if not isinstance(obj, dict):
        raise PrecompileError("input is not a JSON object")
    if key not in obj:
        raise PrecompileError(f"input does not contain key {key}")
    return obj[key]


def _bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode()
    return jsonlib.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


class JsonPrecompile(PrecompileBase):
    address = ADDRESS

    @method("extractAsBytes(bytes,string)", ["bytes"], 1_000)
    def extract_as_bytes(self, call: Call) -> tuple[bytes]:
        return (_bytes(_value(call)),)

    @method("extractAsBytesList(bytes,string)", ["bytes[]"], 1_000)
    def extract_as_bytes_list(self, call: Call) -> tuple[list[bytes]]:
        value = _value(call)
        if not isinstance(value, list):
            raise PrecompileError(f"value of key {call.args[1]} is not a list")
        return ([_bytes(v) for v in value],)

    @method("extractAsUint256(bytes,string)", ["uint256"], 1_000)
    def extract_as_uint256(self, call: Call) -> tuple[int]:
        value = _value(call)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**256:
            raise PrecompileError(f"value of key {call.args[1]} is not a uint256")
        return (value,)
