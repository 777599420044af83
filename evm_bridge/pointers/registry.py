"""The pointer registry in the ``evm`` store.

Key layout (store ``evm``):

===============================  ===========================================
``p`` + kind + pointee (utf-8)   u16 version ‖ pointer address (20 or 32 bytes)
``r`` + pointer address          kind ‖ pointee (utf-8)
``w`` + kind                     u16 version ‖ u64 code id of the kind's
                                 CosmWasm pointer code (``ERC20``: cwerc20)
===============================  ===========================================

``kind`` is one byte (``Kind``). Pointees are text: a denom, a ``sei1…`` contract, or a
lowercase ``0x…`` address. A pointee has at most one pointer per kind; a pointer may not
point at another pointer. Registration is open to anyone for a pointee without a pointer;
replacing one is the governance path's (genesis, for now). The version tells which
implementation a pointer runs, so a newer one can replace it in place later.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from store.api import KVView, ReadView

STORE = "evm"


class Kind(IntEnum):
    """What a pointer points at (its name is the CLI's and genesis's word)."""

    NATIVE = 1  # an ERC-20 for a bank denom
    CW20 = 2  # an ERC-20 for a CW20 contract
    CW721 = 3  # an ERC-721 for a CW721 contract
    CW1155 = 4  # an ERC-1155 for a CW1155 contract
    ERC20 = 5  # a CW20 for an ERC-20 contract
    ERC721 = 6  # a CW721 for an ERC-721 contract

    @property
    def label(self) -> str:
        return self.name.lower()

    @staticmethod
    def parse(text: str) -> Kind:
        try:
            return Kind[text.upper()]
        except KeyError:
            raise PointerError(f"unknown pointer kind {text!r}: one of {', '.join(k.label for k in Kind)}") from None


class PointerError(Exception):
    """A refused registration; the text says why."""


@dataclass(frozen=True)
class Pointer:
    address: bytes
    version: int


def _key(kind: Kind, pointee: str) -> bytes:
    return b"p" + bytes([kind]) + pointee.encode()


def _reverse_key(address: bytes) -> bytes:
    return b"r" + address


def get(view: ReadView, kind: Kind, pointee: str) -> Pointer | None:
    raw = view.get(STORE, _key(kind, pointee))
    return None if raw is None else Pointer(raw[2:], int.from_bytes(raw[:2], "big"))


def pointee_of(view: ReadView, address: bytes) -> tuple[Kind, str] | None:
    """What ``address`` points at, when it is a registered pointer."""
    raw = view.get(STORE, _reverse_key(address))
    return None if raw is None else (Kind(raw[0]), raw[1:].decode())


def register(view: KVView, kind: Kind, pointee: str, address: bytes, version: int) -> None:
    """Record a new pointer; ``PointerError`` if the pointee has one or is a pointer itself."""
    if not pointee:
        raise PointerError("empty pointee")
    if get(view, kind, pointee) is not None:
        raise PointerError(f"{kind.label} pointer for {pointee} already exists")
    if view.get(STORE, _reverse_key(address)) is not None:
        raise PointerError(f"address 0x{address.hex()} is already a pointer")
    if not 0 < version < 2**16:
        raise PointerError(f"invalid pointer version {version}")
    view.set(STORE, _key(kind, pointee), version.to_bytes(2, "big") + address)
    view.set(STORE, _reverse_key(address), bytes([kind]) + pointee.encode())


def pointer_code(view: ReadView, kind: Kind) -> tuple[int, int] | None:
    """(version, code id) of the CosmWasm pointer code stored for ``kind``, if any."""
    raw = view.get(STORE, b"w" + bytes([kind]))
    return None if raw is None else (int.from_bytes(raw[:2], "big"), int.from_bytes(raw[2:], "big"))


def set_pointer_code(view: KVView, kind: Kind, version: int, code_id: int) -> None:
    view.set(STORE, b"w" + bytes([kind]), version.to_bytes(2, "big") + code_id.to_bytes(8, "big"))


def all_pointers(view: ReadView) -> list[tuple[Kind, str, Pointer]]:
    """Every registered pointer, in key order (genesis export)."""
    out = []
    for key, raw in view.iterate(STORE, b"p", b"q"):
        out.append((Kind(key[1]), key[2:].decode(), Pointer(raw[2:], int.from_bytes(raw[:2], "big"))))
    return out
