"""JSON from outside the chain's control, parsed with a nesting bound.

CPython's ``json`` decoder recurses in C once per nested array or object, and the EVM
libraries raise the interpreter's recursion limit far above what a thread's C stack holds
(see ``untrusted.stack``), so a deep enough text would overrun the stack (a segfault)
before ``RecursionError``. ``loads`` therefore measures the nesting first, with a linear
scan at C speed (escape pairs out, strings out, brackets only, running depth), and
parses only texts within ``max_depth``. The answer depends on the bytes alone: every
validator accepts or rejects the same input the same way.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

#: Deepest nesting of arrays and objects accepted: serde_json's default recursion limit,
#: so a CosmWasm contract and the host agree, and far beyond any real JSON-RPC request.
MAX_DEPTH = 128

_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")  # as signed bytes: +1, -1


class JsonInputError(ValueError):
    """The input is not JSON this chain accepts (invalid, not UTF-8, or nested too deep)."""


def depth_exceeds(data: bytes, limit: int) -> bool:
    """True when a JSON parser reading ``data`` could nest deeper than ``limit``.

    Exact for valid JSON and for the valid prefix a parser reads before it fails (inside
    strings only escape pairs can hide a quote, and UTF-8 never puts a quote, backslash or
    bracket byte inside a multi-byte character); for invalid JSON it may say True where a
    parser would have stopped earlier, never False where a parser nests deeper.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # a parser cannot nest deeper than there are opening brackets
    if b"\\" in data:
        data = _ESCAPE.sub(b"", data)  # only escape pairs can hide a quote
    outside = b"".join(data.split(b'"')[::2])  # strings are every other piece between quotes
    steps = outside.translate(_STEPS, _NOT_BRACKET)
    if steps.count(1) <= limit:
        return False
    return max(accumulate(memoryview(steps).cast("b"))) > limit  # +1 per opening, -1 per closing


def loads(data: bytes | bytearray | memoryview | str, max_depth: int = MAX_DEPTH, **kwargs: Any) -> Any:
    """``json.loads`` of UTF-8 ``data`` nested at most ``max_depth`` deep; ``JsonInputError``
    (a ``ValueError``) otherwise. ``kwargs`` go to ``json.loads``."""
    if isinstance(data, str):
        text = data
        raw = data.encode("utf-8", "surrogatepass")
    else:
        raw = bytes(data)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise JsonInputError(f"invalid JSON: not UTF-8 ({e.reason} at byte {e.start})") from None
    if depth_exceeds(raw, max_depth):
        raise JsonInputError(f"invalid JSON: nested deeper than {max_depth} levels")
    try:
        return json.loads(text, **kwargs)
    except json.JSONDecodeError as e:
        raise JsonInputError(f"invalid JSON: {e}") from None
