"""The Ethereum JSON-RPC specification (execution-apis' OpenRPC document, vendored under
``tests/fixtures/execution-apis``): its methods, and validation of answers against it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "execution-apis" / "openrpc.json"


@dataclass(frozen=True)
class Param:
    name: str
    required: bool
    schema: dict[str, Any]

    @property
    def title(self) -> str:
        return self.schema.get("title", "")


@dataclass(frozen=True)
class SpecMethod:
    name: str
    params: tuple[Param, ...]
    result: dict[str, Any]
    error_codes: frozenset[int]

    def result_errors(self, value: Any) -> list[str]:
        """Why ``value`` does not match the method's result schema (empty: it does)."""
        validator = Draft202012Validator(self.result)
        return [_explain(e) for e in validator.iter_errors(value)]


def _explain(error: ValidationError) -> str:
    """The leaf reasons, one per ``anyOf``/``oneOf`` branch tried."""
    if not error.context:
        where = "/".join(map(str, error.absolute_path)) or "(root)"
        return f"{where}: {error.message[:200]}"
    return " | ".join(_explain(e) for e in error.context)


@cache
def methods() -> dict[str, SpecMethod]:
    doc = json.loads(SPEC.read_text())
    out = {}
    for m in doc["methods"]:
        params = tuple(Param(p["name"], bool(p.get("required")), p.get("schema", {})) for p in m["params"])
        codes = frozenset(e["code"] for e in m.get("errors", []) if "code" in e)
        out[m["name"]] = SpecMethod(m["name"], params, m["result"]["schema"], codes)
    return out
