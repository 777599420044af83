"""The value-transfer fast path: a plain transfer's effects computed without py-evm.

A plain transfer (``to`` set, no data, no access list, not a set-code tx, ``to`` without
code or delegation and not a precompile) runs no EVM code, so py-evm's execution of it
reduces to: gas used = 21,000 (the calldata floor of empty data is the same), the sender
pays ``value`` and 21,000 x the effective gas price, its nonce goes up by one, and
``value`` moves to ``to``. ``apply_transfer`` writes exactly what ``ViewAccountDB.flush``
writes for that execution: the nonce, then the sender's balance if it changed, then the
recipient's if it received a non-zero value (a zero-value transfer to an empty account
writes nothing, as py-evm, where empty accounts are never stored, EIP-161). A case the
fast path could not reproduce exactly is not a plain transfer here: it runs on py-evm.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evm_bridge.account_db import EMPTY_CODE_HASH, STORE
from evm_bridge.api import SET_CODE_TX, EvmTx
from evm_bridge.gas import TX_GAS
from evm_bridge.precompiles.registry import PrecompileTable
from ledger import bank
from ledger.accounts import sei_for_evm
from ledger.encoding import encode_uint
from store.api import KVView, ReadView


def transfer_recipient(
    tx: EvmTx, view: ReadView, sei: bytes, precompiles: PrecompileTable, fork_precompiles: Mapping[Any, Any]
) -> bytes | None:
    """The Sei address owning ``tx.to``'s balance if ``tx`` (whose sender's balance is held
    by ``sei``) is a plain transfer the fast path reproduces exactly, else None.

    ``fork_precompiles`` are py-evm's precompiles of the fork. A recipient whose balance is
    held by the sender's Sei address under another EVM address (the sender sending to the
    20 bytes of its own Sei address) is left to py-evm: its account DB keeps the two
    addresses apart.
    """
    to = tx.to
    if to is None or tx.data or tx.access_list or tx.type == SET_CODE_TX:
        return None
    if to in precompiles or to in fork_precompiles:
        return None
    code_hash = view.get(STORE, b"c" + to)
    if code_hash is not None and code_hash != EMPTY_CODE_HASH:
        return None  # code, or a delegation designator
    if to == tx.sender:
        return sei
    to_sei = sei_for_evm(view, to)
    return None if to_sei == sei else to_sei


def apply_transfer(tx: EvmTx, view: KVView, sei: bytes, to_sei: bytes, nonce: int, balance: int, price: int) -> int:
    """Write a plain transfer's effects (validated: ``balance`` covers the fee and value)
    and return its gas used. ``sei`` holds the sender's ``balance`` (wei, as validated),
    ``to_sei`` the recipient's (``transfer_recipient``); ``price`` is the effective gas price."""
    fee = TX_GAS * price
    value = tx.value
    moved = value if tx.to != tx.sender else 0
    recipient = bank.wei_balance(view, to_sei) if moved else 0  # read before any write
    view.set(STORE, b"n" + tx.sender, encode_uint(nonce + 1))
    if fee or moved:
        bank.set_wei_balance(view, sei, balance - fee - moved)
    if moved:
        bank.set_wei_balance(view, to_sei, recipient + moved)
    return TX_GAS
