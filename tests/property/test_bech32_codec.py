"""``ledger.bech32_codec`` agrees with the reference implementation (the ``bech32``
package): the same strings for every payload and prefix, and the same verdict and payload
for any input, valid, mutated or random."""

from __future__ import annotations

import bech32
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import bech32_codec

HRPS = st.sampled_from(["sei", "seivaloper", "seivalcons", "cosmos", "a"]) | st.text(
    st.characters(min_codepoint=33, max_codepoint=126).filter(lambda c: not c.isupper()), min_size=1, max_size=90
)


def reference(text: str) -> tuple[str, bytes] | None:
    hrp, data = bech32.bech32_decode(text)
    if hrp is None or data is None:
        return None
    raw = bech32.convertbits(data, 5, 8, False)
    return None if raw is None else (hrp, bytes(raw))


@settings(max_examples=500)
@given(hrp=HRPS, payload=st.binary(max_size=48))
def test_encoding_matches_the_reference_and_round_trips(hrp: str, payload: bytes) -> None:
    text = bech32_codec.encode(hrp, payload)
    data = bech32.convertbits(payload, 8, 5)
    assert data is not None
    assert text == bech32.bech32_encode(hrp, data)
    assert bech32_codec.decode(text) == reference(text)
    if reference(text) is not None:
        assert bech32_codec.decode(text) == (hrp, payload)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = bech32_codec.encode(draw(HRPS), draw(st.binary(max_size=40)))
    kind = draw(st.sampled_from(["keep", "char", "upper", "mixed", "cut", "insert"]))
    i = draw(st.integers(0, len(text) - 1))
    if kind == "char":
        text = text[:i] + draw(st.characters(max_codepoint=200)) + text[i + 1 :]
    elif kind == "upper":
        text = text.upper()
    elif kind == "mixed":
        text = text[:i] + text[i:].upper()
    elif kind == "cut":
        text = text[:i]
    elif kind == "insert":
        text = text[:i] + draw(st.sampled_from(bech32_codec.CHARSET + "1 bB")) + text[i:]
    return text


@settings(max_examples=1000)
@given(text=mutated() | st.text(max_size=100))
def test_decoding_accepts_and_rejects_as_the_reference_does(text: str) -> None:
    assert bech32_codec.decode(text) == reference(text)


@settings(max_examples=500)
@given(hrp=HRPS, data=st.lists(st.integers(0, 31), max_size=70))
def test_any_checksummed_data_decodes_as_the_reference_does(hrp: str, data: list[int]) -> None:
    """Valid strings whose data need not convert to bytes (non-zero or too many padding
    bits), and separators beyond position 83."""
    text = bech32.bech32_encode(hrp, data)
    assert bech32_codec.decode(text) == reference(text)


def test_characters_outside_the_charset_are_rejected_even_with_a_matching_checksum() -> None:
    """``b``, ``i``, ``o`` and ``1`` are not bech32 characters, though they are base-32
    digits: a string using one where its digit's value would make the checksum pass is
    still invalid."""
    text = bech32_codec.encode("sei", bytes(range(20)))
    pos = text.rfind("1")
    for i in range(pos + 1, len(text)):
        for c in "bio1B":
            bad = text[:i] + c + text[i + 1 :]
            assert bech32_codec.decode(bad) is None and reference(bad) is None
    forged = 0
    for k in range(256):  # strings where such a character stands in for its digit's value
        text = bech32_codec.encode("sei", bytes([k]) * 20)
        for i in range(text.rfind("1") + 1, len(text)):
            for c in "bio1":
                if "0123456789abcdefghijklmnopqrstuv".index(c) == bech32_codec.CHARSET.index(text[i]):
                    assert bech32_codec.decode(text[:i] + c + text[i + 1 :]) is None
                    forged += 1
    assert forged > 100
