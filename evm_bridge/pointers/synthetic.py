"""``Transfer`` logs for native moves of an asset that has an ERC-20 pointer: a bank denom
moved by ``MsgSend``, a CW20 moved by a Wasm message (its ``wasm`` events with ``action``
``transfer``, ``send``, ``transfer_from``, ``send_from``, ``mint``, ``burn``,
``burn_from``; mints come from and burns go to the zero address).

A native tx cannot emit EVM logs, so it carries each as an ``evm_log`` event (attributes
``address``, ``topics`` and ``data``, all ``0x`` hex; topics comma-separated) and the
receipt index turns those events back into the logs of the tx's synthetic receipt, so
``eth_getLogs`` on the pointer sees every move of the denom. ``from`` and ``to`` are the
EVM addresses of the two Sei accounts (their association, else the direct cast).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eth_hash.auto import keccak

from evm_bridge.api import EvmLog
from evm_bridge.pointers import registry
from ledger.accounts import evm_for_sei
from ledger.addresses import AddressError, from_bech32
from ledger.results import Event
from store.api import ReadView

EVENT = "evm_log"
TRANSFER_TOPIC = keccak(b"Transfer(address,address,uint256)")


def log_event(log: EvmLog) -> Event:
    topics = ",".join("0x" + t.hex() for t in log.topics)
    return Event(EVENT, (("address", "0x" + log.address.hex()), ("topics", topics), ("data", "0x" + log.data.hex())))


def logs_of(events: Iterable[Event]) -> tuple[EvmLog, ...]:
    """The logs carried by ``evm_log`` events, in order."""
    out = []
    for event in events:
        if event.type != EVENT:
            continue
        attrs = dict(event.attributes)
        topics = tuple(bytes.fromhex(t[2:]) for t in attrs["topics"].split(",") if t)
        out.append(EvmLog(bytes.fromhex(attrs["address"][2:]), topics, bytes.fromhex(attrs["data"][2:])))
    return tuple(out)


def cosmos_transfer_events(
    view: ReadView, sender: bytes, recipient: bytes, coins: Sequence[tuple[str, int]]
) -> tuple[Event, ...]:
    """One ``evm_log`` event per coin whose denom has a native pointer."""
    out = []
    for denom, amount in coins:
        pointer = registry.get(view, registry.Kind.NATIVE, denom)
        if pointer is None:
            continue
        topics = (TRANSFER_TOPIC, evm_for_sei(view, sender).rjust(32, b"\0"), evm_for_sei(view, recipient).rjust(32, b"\0"))
        out.append(log_event(EvmLog(pointer.address, topics, amount.to_bytes(32, "big"))))
    return tuple(out)


_MOVES = {"transfer", "send", "transfer_from", "send_from", "mint", "burn", "burn_from"}


def _party(view: ReadView, text: str | None) -> bytes:
    if not text:
        return bytes(20)
    try:
        return evm_for_sei(view, from_bech32(text))
    except AddressError:
        return bytes(20)


def cw20_transfer_events(view: ReadView, events: Iterable[Event]) -> tuple[Event, ...]:
    """One ``evm_log`` event per CW20 move (in ``events``) of a contract with a pointer."""
    out = []
    for event in events:
        if event.type != "wasm":
            continue
        attrs = dict(event.attributes)
        if attrs.get("action") not in _MOVES or "amount" not in attrs:
            continue
        pointer = registry.get(view, registry.Kind.CW20, attrs.get("_contract_address", ""))
        if pointer is None or not attrs["amount"].isdigit():
            continue
        src = _party(view, attrs.get("from") if not attrs["action"].startswith("mint") else None)
        dst = _party(view, attrs.get("to") if not attrs["action"].startswith("burn") else None)
        topics = (TRANSFER_TOPIC, src.rjust(32, b"\0"), dst.rjust(32, b"\0"))
        out.append(log_event(EvmLog(pointer.address, topics, int(attrs["amount"]).to_bytes(32, "big"))))
    return tuple(out)
