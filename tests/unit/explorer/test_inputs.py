"""``explorer.inputs`` and ``explorer.addresses``: what a user typed, and where it leads."""

from __future__ import annotations

import pytest

from explorer import addresses, inputs
from explorer.api import BadInput

SEI = addresses.to_bech32(bytes(range(20)))
VALOPER = addresses.to_bech32(bytes(range(20)), addresses.VALOPER_PREFIX)


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ("12", "/block/12"),
        (" 12 ", "/block/12"),
        ("0x" + "AB" * 32, "/tx/0x" + "ab" * 32),
        ("AB" * 32, "/tx/0x" + "ab" * 32),
        ("0x" + "ab" * 20, "/address/0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB"),
        (SEI, f"/address/{SEI}"),
        (VALOPER, f"/validator/{VALOPER}"),
        ("ee" * 20, "/validator/" + "EE" * 20),
    ],
)
def test_search_targets(query: str, target: str) -> None:
    assert inputs.search_target(query) == target


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "type a block height, a tx hash, or an address (0x… or sei1…)"),
        ("hello", "'hello' is not a block height, tx hash or address (0x…, sei1…, seivaloper1…)"),
        ("0", "block heights start at 1"),
        ("9" * 20, f"{'9' * 20!r} is not a block height (a whole number from 1)"),
        (SEI[:-1] + ("q" if SEI[-1] != "q" else "p"), None),
        ("cosmos1qqqsyqcyq5rqwzqfpg9scrgwpugpzysnw6qvhc", None),
    ],
)
def test_malformed_searches_say_what_is_wrong(query: str, message: str | None) -> None:
    with pytest.raises(BadInput) as e:
        inputs.search_target(query)
    if message is not None:
        assert e.value.message == message


def test_bech32_errors_name_the_problem() -> None:
    with pytest.raises(BadInput, match="has prefix 'seivaloper', want 'sei'"):
        addresses.bech32_bytes(VALOPER)
    with pytest.raises(BadInput, match="not a valid bech32 address"):
        addresses.bech32_bytes("sei1xyz")
    assert addresses.bech32_bytes(SEI) == bytes(range(20))


def test_tx_hash_and_height() -> None:
    assert inputs.tx_hash("Ab" * 32) == "0x" + "ab" * 32
    with pytest.raises(BadInput, match="is not a tx hash"):
        inputs.tx_hash("0x1234")
    assert inputs.height("7") == 7
    with pytest.raises(BadInput):
        inputs.height("-1")


def test_is_address() -> None:
    assert addresses.is_address("0x" + "ab" * 20)
    assert addresses.is_address(SEI)
    assert not addresses.is_address(VALOPER)
    assert not addresses.is_address("sei1xyz")
    assert not addresses.is_address("transfer")
