"""Building and signing Ethereum txs (wallet side): for tests, benchmarks and load tools."""

from __future__ import annotations

import rlp
from coincurve import PrivateKey
from eth_hash.auto import keccak

from evm_bridge.api import ACCESS_LIST_TX, DYNAMIC_FEE_TX, LEGACY_TX, SET_CODE_TX, AccessList, Authorization

#: The domain byte of an authorization's signing payload (EIP-7702).
AUTHORIZATION_MAGIC = b"\x05"


def _access(access_list: AccessList) -> list[list[object]]:
    return [[addr, [s.to_bytes(32, "big") for s in slots]] for addr, slots in access_list]


def sign_tx(
    key: bytes,
    *,
    chain_id: int,
    nonce: int,
    gas: int,
    to: bytes | None,
    value: int = 0,
    data: bytes = b"",
    max_fee_per_gas: int = 0,
    max_priority_fee_per_gas: int = 0,
    access_list: AccessList = (),
    tx_type: int = DYNAMIC_FEE_TX,
    authorization_list: tuple[Authorization, ...] = (),
) -> bytes:
    """The signed canonical encoding of a tx (legacy txs use ``max_fee_per_gas`` as the
    gas price and are EIP-155 protected)."""
    pk = PrivateKey(key)
    to_b = to or b""
    if tx_type == LEGACY_TX:
        fields: list[object] = [nonce, max_fee_per_gas, gas, to_b, value, data]
        sig = pk.sign_recoverable(keccak(rlp.encode([*fields, chain_id, 0, 0])), hasher=None)
        v = chain_id * 2 + 35 + sig[64]
        return rlp.encode([*fields, v, int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")])
    if tx_type == ACCESS_LIST_TX:
        fields = [chain_id, nonce, max_fee_per_gas, gas, to_b, value, data, _access(access_list)]
    elif tx_type == DYNAMIC_FEE_TX:
        fields = [chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas, gas, to_b, value, data,
                  _access(access_list)]
    elif tx_type == SET_CODE_TX:
        fields = [chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas, gas, to_b, value, data,
                  _access(access_list), [list(a) for a in authorization_list]]
    else:
        raise ValueError(f"unsupported tx type {tx_type}")
    prefix = bytes([tx_type])
    sig = pk.sign_recoverable(keccak(prefix + rlp.encode(fields)), hasher=None)
    return prefix + rlp.encode([*fields, sig[64], int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")])


def sign_authorization(key: bytes, *, chain_id: int, address: bytes, nonce: int) -> Authorization:
    """An authorization (EIP-7702) by ``key``: delegate to ``address`` at ``nonce``."""
    digest = keccak(AUTHORIZATION_MAGIC + rlp.encode([chain_id, address, nonce]))
    sig = PrivateKey(key).sign_recoverable(digest, hasher=None)
    return Authorization(chain_id, address, nonce, sig[64], int.from_bytes(sig[:32], "big"),
                         int.from_bytes(sig[32:64], "big"))


def address_of(key: bytes) -> bytes:
    """The EVM address of a private key."""
    return keccak(PrivateKey(key).public_key.format(compressed=False)[1:])[12:]
