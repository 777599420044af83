"""``Transfer`` logs for native moves of a denom that has an ERC-20 pointer.

A native tx cannot emit EVM logs, so it carries each as an ``evm_log`` event (attributes
``address``, ``topics`` and ``data``, all ``0x`` hex; topics comma-separated) and the
receipt index turns those events back into the logs of the tx's synthetic receipt, so
``eth_getLogs`` on the pointer sees every move of the denom. ``from`` and ``to`` are the
EVM addresses of the two Sei accounts (their association, else the direct cast).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eth_hash.auto import keccak

from ledger.accounts import evm_for_sei
from ledger.results import Event
from store.api import ReadView

from ..api import EvmLog
from . import registry

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


def native_transfer_events(
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
