"""``untrusted.json_text``: the nesting scan against a character-level oracle, and ``loads``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from untrusted.json_text import MAX_DEPTH, JsonInputError, depth_exceeds, loads


def oracle_depth(text: bytes) -> tuple[int, bool]:
    """(deepest nesting a parser could reach, whether a backslash stood outside a string),
    one byte at a time: a parser stops at a backslash outside a string."""
    depth = deepest = 0
    in_string = escaped = False
    for b in text:
        if in_string:
            if escaped:
                escaped = False
            elif b == 0x5C:
                escaped = True
            elif b == 0x22:
                in_string = False
        elif b == 0x22:
            in_string = True
        elif b == 0x5C:
            return deepest, True
        elif b in b"[{":
            depth += 1
            deepest = max(deepest, depth)
        elif b in b"]}":
            depth -= 1
    return deepest, False


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from([b"[", b"]", b"{", b"}", b'"', b"\\", b"a", b",", b":", b"\\\""]), max_size=60),
       st.integers(0, 12))
def test_scan_matches_the_oracle(pieces: list[bytes], limit: int) -> None:
    text = b"".join(pieces)
    deepest, stopped = oracle_depth(text)
    if stopped:  # past a stray backslash the scan may count more, never less
        assert depth_exceeds(text, limit) or deepest <= limit
    else:
        assert depth_exceeds(text, limit) == (deepest > limit)


@pytest.mark.parametrize("depth, ok", [(MAX_DEPTH - 1, True), (MAX_DEPTH, True), (MAX_DEPTH + 1, False)])
@pytest.mark.parametrize("open_, close", [("[", "]"), ('{"k":', "}")])
def test_bound_on_arrays_and_objects(depth: int, ok: bool, open_: str, close: str) -> None:
    text = open_ * depth + "1" + close * depth
    if ok:
        value = loads(text)
        for _ in range(depth):
            value = value[0] if open_ == "[" else value["k"]
        assert value == 1
    else:
        with pytest.raises(JsonInputError, match=f"nested deeper than {MAX_DEPTH} levels"):
            loads(text)


def test_brackets_inside_strings_do_not_count() -> None:
    text = '["' + "[" * 1000 + '", "\\"' + "{" * 1000 + '", "\\\\"]'
    assert loads(text) == ["[" * 1000, '"' + "{" * 1000, "\\"]


@pytest.mark.parametrize("text", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    b"[" * 100_000,
    b'["\\\\"' + b"[" * 100_000,
])
def test_deep_input_fails_cleanly(text: bytes) -> None:
    with pytest.raises(JsonInputError, match="nested deeper than 128 levels"):
        loads(text)


def test_invalid_json_and_encodings_fail_as_value_errors() -> None:
    with pytest.raises(JsonInputError, match="not UTF-8"):
        loads(b'["\xff"]')
    with pytest.raises(JsonInputError, match="invalid JSON: Expecting"):
        loads(b"[1,")
    with pytest.raises(JsonInputError, match="invalid JSON"):
        loads('"\x00"')
    assert issubclass(JsonInputError, ValueError)


def test_kwargs_reach_the_decoder() -> None:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    with pytest.raises(ValueError, match="NaN is not JSON"):
        loads("[NaN]", parse_constant=refuse)
    assert loads(memoryview(b'{"n": 2}')) == {"n": 2}
