"""Tx-level gas rules of the Prague fork: intrinsic gas (with authorizations, EIP-7702) and
the calldata floor (EIP-7623)."""

from __future__ import annotations

from evm_bridge.api import AccessList

TX_GAS = 21_000
TX_CREATE_GAS = 32_000
DATA_ZERO_GAS = 4
DATA_NONZERO_GAS = 16
INITCODE_WORD_GAS = 2
ACCESS_LIST_ADDRESS_GAS = 2_400
ACCESS_LIST_SLOT_GAS = 1_900
FLOOR_TOKEN_GAS = 10
MAX_INITCODE_SIZE = 49_152
#: Charged up front per authorization of a set-code tx (EIP-7702); 12,500 comes back as a
#: refund when the authority already existed.
AUTHORIZATION_GAS = 25_000


def intrinsic_gas(data: bytes, is_create: bool, access_list: AccessList, authorizations: int = 0) -> int:
    """geth's intrinsic gas: base, calldata, creation, initcode words, access list,
    authorizations."""
    zeros = data.count(0)
    gas = TX_GAS + zeros * DATA_ZERO_GAS + (len(data) - zeros) * DATA_NONZERO_GAS
    if is_create:
        gas += TX_CREATE_GAS + INITCODE_WORD_GAS * ((len(data) + 31) // 32)
    if access_list:
        gas += ACCESS_LIST_ADDRESS_GAS * len(access_list)
        gas += ACCESS_LIST_SLOT_GAS * sum(len(slots) for _, slots in access_list)
    return gas + AUTHORIZATION_GAS * authorizations


def floor_gas(data: bytes) -> int:
    """The minimum gas a tx pays for its calldata (EIP-7623): 10 per token, a zero byte
    being one token and any other byte four."""
    zeros = data.count(0)
    return TX_GAS + FLOOR_TOKEN_GAS * (zeros + 4 * (len(data) - zeros))


def initcode_word_gas(data: bytes) -> int:
    return INITCODE_WORD_GAS * ((len(data) + 31) // 32)
