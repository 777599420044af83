"""Coins a contract is sent or sends: bank transfers with their ``transfer`` event."""

from __future__ import annotations

from ledger import bank
from ledger.addresses import to_bech32
from ledger.results import Event
from store.api import KVView
from wasm_bridge.api import Coins, ValidationError


def transfer_funds(view: KVView, sender: bytes, recipient: bytes, funds: Coins) -> list[Event]:
    """Move ``funds`` (``ValidationError`` "insufficient funds" if short); one ``transfer``
    event, none for no funds."""
    for denom, amount in funds:
        try:
            bank.transfer(view, sender, recipient, denom, amount)
        except bank.InsufficientFunds as e:
            raise ValidationError(f"{e}: insufficient funds") from None
    if not funds:
        return []
    text = ",".join(f"{a}{d}" for d, a in funds)
    return [Event("transfer", (("recipient", to_bech32(recipient)), ("sender", to_bech32(sender)), ("amount", text)))]
