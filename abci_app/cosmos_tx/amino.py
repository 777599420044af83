"""SIGN_MODE_LEGACY_AMINO_JSON: the legacy ``StdSignDoc`` and its canonical JSON bytes.

The sign bytes are the Cosmos SDK's ``legacytx.StdSignBytes`` and cosmjs'
``serializeSignDoc(makeSignDoc(...))``::

    {"account_number":"7","chain_id":"…","fee":{"amount":[{"amount":"2000","denom":"usei"}],
     "gas":"200000"},"memo":"…","msgs":[{"type":"cosmos-sdk/MsgSend","value":{…}}],
     "sequence":"3"}                                  (+ "timeout_height":"N" when non-zero)

Canonical JSON (``canonical_json``): object keys sorted at every level, no whitespace,
64-bit integers as decimal strings (the message converters' job), an empty fee amount as
``[]``, ``&`` ``<`` ``>`` escaped as ``\\u0026`` ``\\u003c`` ``\\u003e`` (cosmjs'
``escapeCharacters``, Go's HTML-safe encoder), other strings as ``JSON.stringify`` writes
them (non-ASCII raw). Where Go and cosmjs disagree pysei follows Go, the chain's side:
U+2028/U+2029 are escaped and keys sort by code point. Numbers only occur inside raw
contract messages (``parse_json``): they are IEEE doubles, printed as JavaScript (and Go's
``encoding/json``) print them.

Each message's amino form (``{"type": name, "value": …}``) comes from its module's
``MsgHandler.amino``; the names are those the SDK, wasmd and Sei register.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from abci_app.cosmos_tx.coins import Coins
from untrusted import json_text

_ESCAPES = str.maketrans({"&": "\\u0026", "<": "\\u003c", ">": "\\u003e", "\u2028": "\\u2028", "\u2029": "\\u2029"})


class Raw(str):
    """Already canonical JSON text, embedded as is (a message list serialized at decode)."""


def js_number(x: float) -> str:
    """A double as JavaScript's ``Number.prototype.toString`` (= Go's JSON float form)."""
    if not math.isfinite(x):
        raise ValueError(f"number {x} is not finite")
    if x == 0:
        return "0"
    sign, digits_t, exp = Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, digits_t))
    k, n = len(digits), int(exp) + len(digits)
    prefix = "-" if x < 0 else ""
    if k <= n <= 21:
        return prefix + digits + "0" * (n - k)
    if 0 < n <= 21:
        return prefix + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return prefix + "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{prefix}{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def _string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False).translate(_ESCAPES)


def canonical_json(value: Any) -> str:
    """Sorted-key compact JSON of ``value`` (dict, list/tuple, str, bool, None, int, float,
    ``Raw``). Depth is bounded by the callers' inputs (``parse_json``'s nesting limit)."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return js_number(value)
    if isinstance(value, Mapping):
        items = sorted(value.items())
        return "{" + ",".join(f"{_string(k)}:{canonical_json(v)}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    raise TypeError(f"not JSON-able: {type(value).__name__}")


def parse_json(raw: bytes | str) -> Any:
    """A contract message as Go's ``MustSortJSON`` and cosmjs' ``JSON.parse`` read it
    (numbers become doubles); raises ``ValueError`` (bounded nesting)."""
    return json_text.loads(raw, parse_int=_double, parse_float=_double, parse_constant=_no_constant)


def _double(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} overflows a double")
    return value


def _no_constant(name: str) -> float:
    raise ValueError(f"invalid JSON constant {name}")


def coins(items: Iterable[Any]) -> list[dict[str, str]]:
    """Protobuf coins in their amino form (order kept)."""
    return [{"amount": c.amount, "denom": c.denom} for c in items]


def coin(c: Any) -> dict[str, str]:
    return {"amount": c.amount, "denom": c.denom}


def base64_text(data: bytes) -> str:
    return base64.b64encode(data).decode()


def omit_empty(**fields: Any) -> dict[str, Any]:
    """Fields with Go's ``omitempty``: empty strings, None and empty lists are left out."""
    return {k: v for k, v in fields.items() if v not in ("", None) and v != []}


def msg(type_name: str, value: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": type_name, "value": value}


def msgs_json(amino_msgs: Sequence[Mapping[str, Any]]) -> str:
    """The canonical ``msgs`` array, computed once when the tx is decoded."""
    return canonical_json(list(amino_msgs))


def sign_doc_bytes(
    *,
    chain_id: str,
    account_number: int,
    sequence: int,
    fee: Coins,
    gas_limit: int,
    memo: str,
    msgs: Raw,
    timeout_height: int = 0,
) -> bytes:
    """The UTF-8 bytes a SIGN_MODE_LEGACY_AMINO_JSON signature covers (sha256 is signed)."""
    doc: dict[str, Any] = {
        "account_number": str(account_number),
        "chain_id": chain_id,
        "fee": {"amount": [{"amount": str(a), "denom": d} for d, a in fee], "gas": str(gas_limit)},
        "memo": memo,
        "msgs": msgs,
        "sequence": str(sequence),
    }
    if timeout_height:
        doc["timeout_height"] = str(timeout_height)
    return canonical_json(doc).encode("utf-8")
