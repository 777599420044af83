"""``pysei_tokenfactory.denoms.denoms_of`` lists one creator's denoms, whatever its address bytes."""

from __future__ import annotations

import pytest
from pysei_tokenfactory import denoms

from store.overlay import EmptyView, Overlay


@pytest.mark.parametrize("last", [0x00, 0xFE, 0xFF])
def test_denoms_of_stay_within_the_creator(last: int) -> None:
    view = Overlay(EmptyView())
    creator, later = bytes(18) + b"\x05" + bytes([last]), bytes(18) + b"\x06\x00"
    denoms.add_denom(view, later, "factory/later/x", later)
    denoms.add_denom(view, creator, "factory/mine/b", creator)
    denoms.add_denom(view, creator, "factory/mine/a", creator)
    assert denoms.denoms_of(view, creator) == ["factory/mine/a", "factory/mine/b"]
