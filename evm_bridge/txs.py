"""Decoding of Ethereum txs: legacy (EIP-155), access-list (0x01), dynamic-fee (0x02) and
set-code (0x04, EIP-7702). Blob txs (0x03) are recognised and refused: the chain carries
no blob data.

The sender is recovered once with libsecp256k1 (coincurve). The tx hash is keccak256 of
the exact signed bytes. Errors carry geth's wording so wallets show familiar messages.
"""

from __future__ import annotations

import hashlib

from coincurve import PublicKey
from eth_hash.auto import keccak

from evm_bridge.api import (
    ACCESS_LIST_TX,
    BLOB_TX,
    DYNAMIC_FEE_TX,
    LEGACY_TX,
    SET_CODE_TX,
    AccessList,
    Authorization,
    EvmTx,
    EvmTxError,
)
from evm_bridge.gas import floor_gas, intrinsic_gas
from evm_bridge.rlpscan import Item, RlpError, encode_length, encode_uint, scan_list, scan_nested
from ledger import codes
from ledger.addresses import ripemd160

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_HALF_N = SECP256K1_N // 2
_NONCE_MAX = 2**64 - 1


def is_evm_tx(raw: bytes) -> bool:
    """True for an Ethereum envelope (0x01-0x04 typed, or an RLP list); native txs are
    protobuf and start with 0x0a. The one first-byte test: the app's tx codec routes by it."""
    return bool(raw) and (ACCESS_LIST_TX <= raw[0] <= SET_CODE_TX or raw[0] >= 0xC0)


def _int(buf: bytes, item: Item, name: str) -> int:
    _, ps, pe, is_list = item
    if is_list:
        raise EvmTxError(f"rlp: expected input string or byte for {name}")
    if pe - ps > 32:
        raise EvmTxError(f"rlp: input string too long for uint256, decoding into {name}")
    if pe > ps and buf[ps] == 0:
        raise EvmTxError(f"rlp: non-canonical integer (leading zero bytes) for {name}")
    return int.from_bytes(buf[ps:pe], "big")


def _bytes(buf: bytes, item: Item, name: str) -> bytes:
    if item[3]:
        raise EvmTxError(f"rlp: expected input string or byte for {name}")
    return buf[item[1] : item[2]]


def _to(buf: bytes, item: Item) -> bytes | None:
    to = _bytes(buf, item, "To")
    if len(to) not in (0, 20):
        raise EvmTxError("rlp: input string too long for common.Address, decoding into (types.Tx).To")
    return to or None


def _access_list(buf: bytes, item: Item) -> AccessList:
    out = []
    for entry in scan_nested(buf, item):
        fields = scan_nested(buf, entry)
        if len(fields) != 2:
            raise EvmTxError("rlp: expected input list for types.AccessTuple")
        addr = _bytes(buf, fields[0], "Address")
        if len(addr) != 20:
            raise EvmTxError("rlp: invalid access list address")
        slots = []
        for k in scan_nested(buf, fields[1]):
            key = _bytes(buf, k, "StorageKeys")
            if len(key) != 32:
                raise EvmTxError("rlp: invalid access list storage key")
            slots.append(int.from_bytes(key, "big"))
        out.append((addr, tuple(slots)))
    return tuple(out)


def _authorizations(buf: bytes, item: Item) -> tuple[Authorization, ...]:
    if not item[3]:
        raise EvmTxError("rlp: expected input list for []types.SetCodeAuthorization")
    out = []
    for entry in scan_nested(buf, item):
        if not entry[3]:
            raise EvmTxError("rlp: expected input list for types.SetCodeAuthorization")
        f = scan_nested(buf, entry)
        if len(f) != 6:
            raise EvmTxError("rlp: expected 6 fields for types.SetCodeAuthorization")
        addr = _bytes(buf, f[1], "Address")
        if len(addr) != 20:
            raise EvmTxError("rlp: invalid authorization address")
        nonce = _int(buf, f[2], "Nonce")
        if nonce > _NONCE_MAX:
            raise EvmTxError("rlp: input string too long for uint64, decoding into (types.SetCodeAuthorization).Nonce")
        parity = _int(buf, f[3], "V")
        if parity > 0xFF:
            raise EvmTxError("rlp: input string too long for uint8, decoding into (types.SetCodeAuthorization).V")
        out.append(Authorization(_int(buf, f[0], "ChainID"), addr, nonce, parity, _int(buf, f[4], "R"),
                                 _int(buf, f[5], "S")))
    return tuple(out)


def _recover(sighash: bytes, y_parity: int, r: int, s: int) -> tuple[bytes, bytes]:
    """(EVM address, compressed public key) of the signer; raises ``EvmTxError``."""
    if not (0 < r < SECP256K1_N and 0 < s <= _HALF_N) or y_parity not in (0, 1):
        raise EvmTxError("invalid transaction v, r, s values")
    try:
        pub = PublicKey.from_signature_and_message(
            r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes([y_parity]), sighash, hasher=None
        )
    except Exception:
        raise EvmTxError("invalid sender") from None
    return keccak(pub.format(compressed=False)[1:])[12:], pub.format(compressed=True)


def _scan(raw: bytes, pos: int, what: str, want: int) -> list[Item]:
    try:
        items = scan_list(raw, pos)
    except RlpError as e:
        raise EvmTxError(f"rlp: {e} for {what}") from None
    if len(items) != want:
        raise EvmTxError(f"rlp: expected {want} fields for {what}, got {len(items)}")
    return items


def decode_tx(raw: bytes, chain_id: int) -> EvmTx:
    """Decode and authenticate an Ethereum tx for the chain ``chain_id``."""
    if not raw:
        raise EvmTxError("rlp: typed transaction too short")
    first = raw[0]
    try:
        if first >= 0xC0:
            return _decode_legacy(raw, chain_id)
        if first in (ACCESS_LIST_TX, DYNAMIC_FEE_TX, SET_CODE_TX):
            return _decode_typed(raw, chain_id, first)
    except RlpError as e:
        raise EvmTxError(f"rlp: {e}") from None
    if first == BLOB_TX:
        raise EvmTxError("transaction type not supported: blob transactions (type 3) need blob data, "
                         "which this chain does not carry")
    raise EvmTxError("transaction type not supported")


def decode_txs(raws: list[bytes], chain_id: int) -> list[EvmTx | EvmTxError]:
    """``decode_tx`` of each of ``raws``: the tx, or the error that refuses it (picklable:
    a helper process runs this for the JSON-RPC)."""
    out: list[EvmTx | EvmTxError] = []
    for raw in raws:
        try:
            out.append(decode_tx(raw, chain_id))
        except EvmTxError as e:
            out.append(e)
    return out


def _decode_legacy(raw: bytes, chain_id: int) -> EvmTx:
    it = _scan(raw, 0, "types.LegacyTx", 9)
    nonce, price, gas = _int(raw, it[0], "Nonce"), _int(raw, it[1], "GasPrice"), _int(raw, it[2], "Gas")
    to, value, data = _to(raw, it[3]), _int(raw, it[4], "Value"), _bytes(raw, it[5], "Data")
    v, r, s = _int(raw, it[6], "V"), _int(raw, it[7], "R"), _int(raw, it[8], "S")
    if v in (27, 28):
        raise EvmTxError("only replay-protected (EIP-155) transactions allowed over RPC")
    if v < 35:
        raise EvmTxError("invalid transaction v, r, s values")
    tx_chain, parity = divmod(v - 35, 2)
    if tx_chain != chain_id:
        raise EvmTxError(f"invalid chain id for signer: have {tx_chain} want {chain_id}", codes.INVALID_CHAIN_ID)
    # signing payload (EIP-155): the first six fields as signed, then chain id, 0, 0
    payload = raw[it[0][0] : it[6][0]] + encode_uint(chain_id) + b"\x80\x80"
    sighash = keccak(encode_length(len(payload), 0xC0) + payload)
    return _build(LEGACY_TX, chain_id, nonce, gas, price, price, to, value, data, (), v, r, s, parity, sighash, raw)


_TYPED = {ACCESS_LIST_TX: ("types.AccessListTx", 11), DYNAMIC_FEE_TX: ("types.DynamicFeeTx", 12),
          SET_CODE_TX: ("types.SetCodeTx", 13)}


def _decode_typed(raw: bytes, chain_id: int, tx_type: int) -> EvmTx:
    what, count = _TYPED[tx_type]
    it = _scan(raw, 1, what, count)
    tx_chain, nonce = _int(raw, it[0], "ChainID"), _int(raw, it[1], "Nonce")
    if tx_chain != chain_id:
        raise EvmTxError(f"invalid chain id for signer: have {tx_chain} want {chain_id}", codes.INVALID_CHAIN_ID)
    if tx_type == ACCESS_LIST_TX:
        tip = fee = _int(raw, it[2], "GasPrice")
        rest = it[3:]
    else:
        tip, fee = _int(raw, it[2], "GasTipCap"), _int(raw, it[3], "GasFeeCap")
        rest = it[4:]
    gas, to, value = _int(raw, rest[0], "Gas"), _to(raw, rest[1]), _int(raw, rest[2], "Value")
    data = _bytes(raw, rest[3], "Data")
    access = _access_list(raw, rest[4]) if rest[4][2] > rest[4][1] else ()
    if not rest[4][3]:
        raise EvmTxError("rlp: expected input list for types.AccessList")
    auths: tuple[Authorization, ...] = ()
    if tx_type == SET_CODE_TX:
        if to is None:
            raise EvmTxError("rlp: input string too short for common.Address, decoding into (types.SetCodeTx).To")
        auths = _authorizations(raw, rest[5])
        rest = rest[:5] + rest[6:]
    parity, r, s = _int(raw, rest[5], "V"), _int(raw, rest[6], "R"), _int(raw, rest[7], "S")
    # signing payload (EIP-2718): type byte, then the list without the signature fields
    payload = raw[it[0][0] : rest[5][0]]
    sighash = keccak(bytes([tx_type]) + encode_length(len(payload), 0xC0) + payload)
    return _build(tx_type, chain_id, nonce, gas, fee, tip, to, value, data, access, parity, r, s, parity, sighash, raw,
                  auths)


def _build(
    tx_type: int,
    chain_id: int,
    nonce: int,
    gas: int,
    fee: int,
    tip: int,
    to: bytes | None,
    value: int,
    data: bytes,
    access: AccessList,
    v: int,
    r: int,
    s: int,
    parity: int,
    sighash: bytes,
    raw: bytes,
    auths: tuple[Authorization, ...] = (),
) -> EvmTx:
    if nonce > _NONCE_MAX:
        raise EvmTxError("nonce has max value")
    if gas > _NONCE_MAX:
        raise EvmTxError("gas uint64 overflow")
    sender, pubkey = _recover(sighash, parity, r, s)
    return EvmTx(
        type=tx_type,
        chain_id=chain_id,
        nonce=nonce,
        gas=gas,
        max_fee_per_gas=fee,
        max_priority_fee_per_gas=tip,
        to=to,
        value=value,
        data=data,
        access_list=access,
        v=v,
        r=r,
        s=s,
        sender=sender,
        pubkey=pubkey,
        sender_sei=ripemd160(hashlib.sha256(pubkey).digest()),
        hash=keccak(raw),
        raw=raw,
        intrinsic_gas=intrinsic_gas(data, to is None, access, len(auths)),
        floor_gas=floor_gas(data),
        authorization_list=auths,
    )
