"""Parameter parsing with clear -32602 messages (geth's wording where it has one)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_rpc.errors import invalid_params
from evm_bridge.api import Authorization

MAX_UINT256 = 2**256 - 1
BLOCK_TAGS = frozenset({"latest", "pending", "safe", "finalized", "earliest"})


def arity(params: Sequence[Any], least: int, most: int) -> list[Any]:
    """The params padded with None up to ``most``; too few or too many is an error."""
    if len(params) < least:
        raise invalid_params(f"missing value for required argument {len(params)}")
    if len(params) > most:
        raise invalid_params(f"too many arguments, want at most {most}")
    return list(params) + [None] * (most - len(params))


def _hex_body(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise invalid_params(f"invalid argument: {what}: json: cannot unmarshal non-string into Go value")
    if not value.startswith(("0x", "0X")):
        raise invalid_params(f"invalid argument: {what}: hex string without 0x prefix")
    return value[2:]


def quantity(value: Any, what: str = "quantity", bits: int = 256) -> int:
    body = _hex_body(value, what)
    if not body:
        raise invalid_params(f"invalid argument: {what}: hex string \"0x\"")
    if len(body) > 1 and body[0] == "0":
        raise invalid_params(f"invalid argument: {what}: hex number with leading zero digits")
    if len(body) > bits // 4:
        raise invalid_params(f"invalid argument: {what}: hex number > {bits} bits")
    try:
        return int(body, 16)
    except ValueError:
        raise invalid_params(f"invalid argument: {what}: invalid hex string") from None


def hex_data(value: Any, what: str = "data", size: int | None = None) -> bytes:
    body = _hex_body(value, what)
    if len(body) % 2:
        raise invalid_params(f"invalid argument: {what}: hex string of odd length")
    try:
        raw = bytes.fromhex(body)
    except ValueError:
        raise invalid_params(f"invalid argument: {what}: invalid hex string") from None
    if size is not None and len(raw) != size:
        raise invalid_params(f"invalid argument: {what}: hex string has length {len(body)}, want {size * 2}")
    return raw


def address(value: Any, what: str = "address") -> bytes:
    return hex_data(value, what, 20)


def hash32(value: Any, what: str = "hash") -> bytes:
    return hex_data(value, what, 32)


def boolean(value: Any, what: str = "bool", default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise invalid_params(f"invalid argument: {what}: json: cannot unmarshal into Go value of type bool")
    return value


def optional_quantity(obj: dict[str, Any], key: str, bits: int = 256) -> int | None:
    v = obj.get(key)
    return None if v is None else quantity(v, key, bits)


def call_object(value: Any) -> dict[str, Any]:
    """A transaction call object: from, to, gas, gasPrice / fee caps, value, data|input."""
    if not isinstance(value, dict):
        raise invalid_params("invalid argument 0: json: cannot unmarshal into Go value of type ethapi.TransactionArgs")
    out: dict[str, Any] = {
        "from": address(value["from"], "from") if value.get("from") is not None else None,
        "to": address(value["to"], "to") if value.get("to") is not None else None,
        "gas": optional_quantity(value, "gas", 64),
        "gasPrice": optional_quantity(value, "gasPrice"),
        "maxFeePerGas": optional_quantity(value, "maxFeePerGas"),
        "maxPriorityFeePerGas": optional_quantity(value, "maxPriorityFeePerGas"),
        "value": optional_quantity(value, "value") or 0,
        "nonce": optional_quantity(value, "nonce", 64),
        "accessList": access_list(value.get("accessList")),
        "authorizationList": authorization_list(value.get("authorizationList")),
    }
    data, inp = value.get("data"), value.get("input")
    if data is not None and inp is not None and data != inp:
        raise invalid_params(
            'both "data" and "input" are set and not equal. Please use "input" to pass transaction call data'
        )
    payload = inp if inp is not None else data
    out["data"] = hex_data(payload, "input") if payload is not None else b""
    return out


def access_list(value: Any) -> tuple[tuple[bytes, tuple[int, ...]], ...]:
    """An EIP-2930 access list: ``[{address, storageKeys: [32-byte hex]}]`` (null: empty)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise invalid_params("invalid argument: accessList: want an array")
    out = []
    for entry in value:
        if not isinstance(entry, dict):
            raise invalid_params("invalid argument: accessList: want objects of address and storageKeys")
        keys = entry.get("storageKeys") or []
        if not isinstance(keys, list):
            raise invalid_params("invalid argument: accessList: storageKeys must be an array")
        slots = tuple(int.from_bytes(hash32(k, "storageKeys"), "big") for k in keys)
        out.append((address(entry.get("address"), "accessList address"), slots))
    return tuple(out)


def authorization_list(value: Any) -> tuple[Authorization, ...]:
    """An EIP-7702 authorization list: ``[{chainId, address, nonce, yParity, r, s}]``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise invalid_params("invalid argument: authorizationList: want an array")
    out = []
    for a in value:
        if not isinstance(a, dict):
            raise invalid_params("invalid argument: authorizationList: want objects")
        parity = a.get("yParity", a.get("v"))
        out.append(Authorization(
            quantity(a.get("chainId"), "chainId"), address(a.get("address"), "authorization address"),
            quantity(a.get("nonce"), "nonce", 64), quantity(parity, "yParity", 8), quantity(a.get("r"), "r"),
            quantity(a.get("s"), "s"),
        ))
    return tuple(out)


def slot(value: Any, what: str = "storage slot") -> int:
    """A storage slot: hex of up to 32 bytes, leading zeros allowed (geth accepts both forms)."""
    body = _hex_body(value, what)
    if not body or len(body) > 64:
        raise invalid_params(f"invalid argument: {what}: hex string of wrong length")
    try:
        return int(body, 16)
    except ValueError:
        raise invalid_params(f"invalid argument: {what}: invalid hex string") from None
