"""``ledger.bank.all_balances`` reads one account's balances, whatever its address bytes."""

from __future__ import annotations

import pytest

from ledger import bank
from store.overlay import EmptyView, Overlay


@pytest.mark.parametrize("last", [0x00, 0x7F, 0xFE, 0xFF])
def test_all_balances_stay_within_the_account(last: int) -> None:
    view = Overlay(EmptyView())
    addr = bytes(18) + b"\x05" + bytes([last])
    neighbours = [bytes(18) + b"\x06\x00", bytes(18) + b"\x05" + bytes([last - 1]) if last else bytes(19) + b"\x01",
                  b"\xff" * 20, b"\x01" * 32]
    for i, other in enumerate(neighbours):
        bank.set_balance(view, other, "usei", 100 + i)
    bank.set_balance(view, addr, "usei", 5)
    bank.set_balance(view, addr, "factory/x", 6)
    assert sorted(bank.all_balances(view, addr)) == [("factory/x", 6), ("usei", 5)]
