"""Simulation overrides: state (geth's ``StateOverride``) applied on an overlay of a read
view, and block overrides (geth's ``BlockOverrides``) for the block context.

Per address: ``balance`` (wei), ``nonce``, ``code``, and either ``state`` (replaces all
storage) or ``stateDiff`` (changes the given slots). Writes go through the same keys as
execution (``evm_bridge.account_db``, ``ledger.bank``), so the EVM sees them unchanged.
"""

from __future__ import annotations

from typing import Any

from eth_hash.auto import keccak

from eth_rpc import params as P
from eth_rpc.errors import invalid_params
from evm_bridge.account_db import STORE, code_hash_key, code_key, nonce_key, storage_key, storage_range
from evm_bridge.api import BlockOverrides
from ledger import bank
from ledger.accounts import sei_for_evm
from ledger.encoding import encode_uint
from store.api import ReadView
from store.overlay import Overlay


def _slots(value: Any, what: str) -> dict[int, int]:
    if not isinstance(value, dict):
        raise invalid_params(f"invalid argument: {what}: want an object of slot -> value")
    return {int.from_bytes(P.hash32(k, what), "big"): int.from_bytes(P.hash32(v, what), "big") for k, v in value.items()}


def _set_uint(view: Overlay, key: bytes, n: int) -> None:
    if n:
        view.set(STORE, key, encode_uint(n))
    else:
        view.delete(STORE, key)


def apply_overrides(view: ReadView, overrides: Any) -> ReadView:
    if overrides is None:
        return view
    if not isinstance(overrides, dict):
        raise invalid_params("invalid argument 2: state overrides must be an object")
    ov = Overlay(view)
    for addr_text, acct in overrides.items():
        addr = P.address(addr_text, "state override address")
        if not isinstance(acct, dict):
            raise invalid_params("invalid argument 2: account override must be an object")
        if acct.get("balance") is not None:
            bank.set_wei_balance(ov, sei_for_evm(ov, addr), P.quantity(acct["balance"], "balance"))
        if acct.get("nonce") is not None:
            _set_uint(ov, nonce_key(addr), P.quantity(acct["nonce"], "nonce", 64))
        if acct.get("code") is not None:
            code = P.hex_data(acct["code"], "code")
            if code:
                h = keccak(code)
                ov.set(STORE, code_hash_key(addr), h)
                ov.set(STORE, code_key(h), code)
            else:
                ov.delete(STORE, code_hash_key(addr))
        if acct.get("state") is not None and acct.get("stateDiff") is not None:
            raise invalid_params(f"account 0x{addr.hex()} has both 'state' and 'stateDiff'")
        if acct.get("state") is not None:
            start, end = storage_range(addr)
            for k, _ in list(ov.iterate(STORE, start, end)):
                ov.delete(STORE, k)
            for slot, value in _slots(acct["state"], "state").items():
                _set_uint(ov, storage_key(addr, slot), value)
        if acct.get("stateDiff") is not None:
            for slot, value in _slots(acct["stateDiff"], "stateDiff").items():
                _set_uint(ov, storage_key(addr, slot), value)
    return ov


def block_overrides(value: Any) -> BlockOverrides | None:
    """geth's block overrides: number, time, gasLimit, feeRecipient, prevRandao,
    baseFeePerGas (difficulty and blobBaseFee mean nothing here and are ignored)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid_params("invalid argument: block overrides must be an object")

    def q(key: str, bits: int = 256) -> int | None:
        return P.optional_quantity(value, key, bits)

    fee_recipient, randao = value.get("feeRecipient"), value.get("prevRandao")
    return BlockOverrides(
        number=q("number", 64), time=q("time", 64), gas_limit=q("gasLimit", 64),
        coinbase=None if fee_recipient is None else P.address(fee_recipient, "feeRecipient"),
        prev_randao=None if randao is None else P.hash32(randao, "prevRandao"),
        base_fee=q("baseFeePerGas"),
    )
