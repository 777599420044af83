"""Linking an EVM address to its Sei account, and who may receive coins, as on Sei.

Before a key's two addresses are linked, coins sent to its EVM address are held by the
*direct cast* (the 20 EVM address bytes read as a Sei address). ``link`` records the pair
and moves everything the cast holds (every denom and the wei remainder) to the Sei
account. Once linked, the cast may no longer receive (``can_receive``): a send to it
would strand coins no key controls, so bank sends refuse it ("invalid bank recipient").
"""

from __future__ import annotations

from ledger import accounts, bank
from store.api import KVView, ReadView


def can_receive(view: ReadView, addr: bytes) -> bool:
    """False for the direct cast of an EVM address linked to another Sei account."""
    if len(addr) != 20:
        return True
    owner = accounts.associated_sei(view, addr)
    return owner is None or owner == addr


def migrate_cast(view: KVView, sei: bytes, evm: bytes, *, skip_usei: bool = False) -> None:
    """Move the cast ``evm``'s coins to ``sei`` (all denoms; usei with its wei remainder
    unless ``skip_usei``, for callers that move the EVM balance themselves)."""
    if evm == sei:
        return
    for denom, amount in list(bank.all_balances(view, evm)):
        if denom != bank.NATIVE_DENOM:
            bank.transfer(view, evm, sei, denom, amount)
    if not skip_usei:
        wei = bank.wei_balance(view, evm)
        if wei:
            bank.set_wei_balance(view, evm, 0)
            bank.set_wei_balance(view, sei, bank.wei_balance(view, sei) + wei)


def link(view: KVView, sei: bytes, evm: bytes) -> bool:
    """Associate ``sei`` and ``evm`` and migrate the cast's coins; False if ``sei`` was linked."""
    if not accounts.associate(view, sei, evm):
        return False
    migrate_cast(view, sei, evm)
    return True
