"""Raw node answers made readable: token events, revert reasons, call traces, OCC conflict
keys and amounts. Pure functions of their input."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from eth_utils import to_checksum_address

from explorer.addresses import is_evm, to_bech32

#: Event topics: keccak of ``Transfer(address,address,uint256)``, ``Approval(address,address,uint256)``
#: and ``ApprovalForAll(address,address,bool)``.
TRANSFER = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
APPROVAL = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925"
APPROVAL_FOR_ALL = "0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31"
ERROR_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
SYMBOL_CALL = "0x95d89b41"  # symbol()
#: Longest contract name shown (a symbol is a few letters).
MAX_NAME = 32
PANIC_SELECTOR = bytes.fromhex("4e487b71")  # Panic(uint256)
WEI_DECIMALS = 18
USEI_DECIMALS = 6


@dataclass(frozen=True)
class Event:
    """A log decoded from a known ABI (ERC-20/721)."""

    name: str
    standard: str
    args: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class KeyMeaning:
    """What a state key is: a sentence, and the address page it concerns (if any)."""

    text: str
    address: str | None = None


def topic_address(topic: str) -> str:
    return checksum("0x" + topic[-40:])


def checksum(address: str) -> str:
    """EIP-55 form of a 0x address (other text unchanged)."""
    return to_checksum_address(address) if is_evm(address) else address


def hex_int(value: str | None) -> int:
    if not value or value == "0x":
        return 0
    return int(value, 16)


def decode_log(log: dict[str, Any]) -> Event | None:
    """ERC-20 and ERC-721 Transfer/Approval, ApprovalForAll; None for other events."""
    topics = [str(t).lower() for t in log.get("topics") or []]
    data = str(log.get("data") or "0x")
    if not topics:
        return None
    head = topics[0]
    if head in (TRANSFER, APPROVAL) and len(topics) in (3, 4):
        name = "Transfer" if head == TRANSFER else "Approval"
        who = ("from", "to") if head == TRANSFER else ("owner", "spender" if len(topics) == 3 else "approved")
        a, b = topic_address(topics[1]), topic_address(topics[2])
        if len(topics) == 3:
            return Event(name, "ERC-20", ((who[0], a), (who[1], b), ("value", str(hex_int(data)))))
        return Event(name, "ERC-721", ((who[0], a), (who[1], b), ("tokenId", str(hex_int(topics[3])))))
    if head == APPROVAL_FOR_ALL and len(topics) == 3:
        approved = "true" if hex_int(data) else "false"
        return Event("ApprovalForAll", "ERC-721", (("owner", topic_address(topics[1])),
                                                   ("operator", topic_address(topics[2])), ("approved", approved)))
    return None


def revert_reason(output: str | None) -> str | None:
    """``Error(string)`` or ``Panic(uint256)`` return data as text; None when neither."""
    raw = bytes.fromhex((output or "0x")[2:]) if output and len(output) % 2 == 0 else b""
    if raw[:4] == ERROR_SELECTOR and len(raw) >= 68:
        length = int.from_bytes(raw[36:68], "big")
        return raw[68 : 68 + length].decode("utf-8", "replace")
    if raw[:4] == PANIC_SELECTOR and len(raw) >= 36:
        return f"panic 0x{int.from_bytes(raw[4:36], 'big'):02x}"
    return None


def abi_string(output: str) -> str | None:
    """An ABI-encoded ``string`` return value, if ``output`` is one of printable text."""
    try:
        raw = bytes.fromhex(output[2:])
        offset = int.from_bytes(raw[:32], "big")
        length = int.from_bytes(raw[offset : offset + 32], "big")
        text = raw[offset + 32 : offset + 32 + length].decode("utf-8")
    except (ValueError, IndexError):
        return None
    ok = len(raw) >= 64 and offset == 32 and 0 < length <= MAX_NAME and text.isprintable()
    return text if ok else None


def call_tree(frame: dict[str, Any]) -> dict[str, Any]:
    """A callTracer frame with integers decoded and the revert reason of each call."""
    calls = [call_tree(c) for c in frame.get("calls") or [] if isinstance(c, dict)]
    return {
        "type": str(frame.get("type", "CALL")),
        "from": frame.get("from"),
        "to": frame.get("to"),
        "value": hex_int(frame.get("value")),
        "gas_used": hex_int(frame.get("gasUsed")),
        "selector": str(frame.get("input") or "0x")[:10],
        "error": frame.get("error"),
        "reason": frame.get("revertReason") or revert_reason(frame.get("output")),
        "calls": calls,
    }


def units(amount: int, decimals: int) -> str:
    """``amount`` / 10**decimals exactly, without trailing zeros: ``1.5``, ``1000``."""
    text = format(Decimal(amount).scaleb(-decimals), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def key_meaning(store: str, key_hex: str) -> KeyMeaning:
    """What an OCC conflict key is, from the stores' documented key layouts."""
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        return KeyMeaning(f"{store} key {key_hex}")
    tag, rest = key[:1], key[1:]
    if store == "evm":
        if tag == b"n" and len(rest) == 20:
            return _of("nonce", checksum("0x" + rest.hex()))
        if tag == b"c" and len(rest) == 20:
            return _of("code", checksum("0x" + rest.hex()))
        if tag == b"s" and len(rest) == 52:
            return _of(f"slot {int.from_bytes(rest[20:], 'big')}", checksum("0x" + rest[:20].hex()))
        if tag == b"h" and len(rest) == 8:
            return KeyMeaning(f"block hash of height {int.from_bytes(rest, 'big')}")
    if store == "bank" and tag in (b"b", b"w") and rest and len(rest) > rest[0]:
        addr = to_bech32(rest[1 : 1 + rest[0]])
        if tag == b"w":
            return _of("wei remainder", addr)
        denom = rest[1 + rest[0] :].decode("utf-8", "replace")
        return _of(f"balance ({denom})", addr)
    if store == "bank" and tag == b"s":
        return KeyMeaning(f"total supply of {rest.decode('utf-8', 'replace')}")
    if store == "acc":
        if tag == b"a" and rest and len(rest) > rest[0]:
            return _of("account (sequence)", to_bech32(rest[1 : 1 + rest[0]]))
        if tag == b"n" and not rest:
            return KeyMeaning("next account number")
    return KeyMeaning(f"{store} key 0x{key_hex}")


def _of(what: str, address: str) -> KeyMeaning:
    return KeyMeaning(f"{what} of {address}", address)
