"""Regions: how bytes cross the contract's linear memory (CosmWasm's ``Region`` struct).

A region is 12 bytes in contract memory, three little-endian u32: ``offset`` (where the
data starts), ``capacity`` (bytes reserved) and ``length`` (bytes in use). The host reads
a region the contract hands over, and writes results into memory the contract allocates
through its ``allocate`` export. Every pointer is checked against the memory's current
size and every length against a per-use limit, so a bad pointer becomes a ``VmError``,
never a read outside the sandbox.
"""

from __future__ import annotations

import struct
from typing import Any

import wasmtime

from wasm_bridge.api import VmError

REGION_SIZE = 12
_REGION = struct.Struct("<III")


class ContractMemory:
    """The memory and allocator of one running instance, seen through ``store``."""

    __slots__ = ("store", "memory", "allocate", "deallocate")

    def __init__(self, store: Any, memory: wasmtime.Memory, allocate: wasmtime.Func, deallocate: wasmtime.Func) -> None:
        self.store, self.memory, self.allocate, self.deallocate = store, memory, allocate, deallocate

    def with_store(self, store: Any) -> ContractMemory:
        """The same memory seen through another store handle (a host call's caller)."""
        return ContractMemory(store, self.memory, self.allocate, self.deallocate)

    def _bytes(self, start: int, length: int) -> bytes:
        size = self.memory.data_len(self.store)
        if start < 0 or length < 0 or start + length > size:
            raise VmError(f"region out of bounds: {start}+{length} > memory size {size}")
        return bytes(self.memory.read(self.store, start, start + length))

    def region(self, ptr: int) -> tuple[int, int, int]:
        """(offset, capacity, length) of the region at ``ptr``; checked for consistency."""
        if ptr == 0:
            raise VmError("null region pointer")
        offset, capacity, length = _REGION.unpack(self._bytes(ptr, REGION_SIZE))
        if offset == 0:
            raise VmError("region has a zero offset")
        if length > capacity:
            raise VmError(f"region length {length} exceeds its capacity {capacity}")
        if offset + capacity > 0xFFFF_FFFF:
            raise VmError("region capacity overflows the address space")
        return offset, capacity, length

    def read(self, ptr: int, limit: int, what: str = "data") -> bytes:
        """The bytes of the region at ``ptr`` (at most ``limit`` bytes)."""
        offset, _, length = self.region(ptr)
        if length > limit:
            raise VmError(f"{what} too long: {length} > {limit} bytes")
        return self._bytes(offset, length)

    def read_optional(self, ptr: int, limit: int, what: str = "data") -> bytes | None:
        return None if ptr == 0 else self.read(ptr, limit, what)

    def write_into(self, ptr: int, data: bytes) -> None:
        """Write ``data`` into the contract-allocated region at ``ptr`` and set its length."""
        offset, capacity, _ = self.region(ptr)
        if len(data) > capacity:
            raise VmError(f"region too small: {len(data)} bytes into a capacity of {capacity}")
        self._check_range(offset, len(data))
        self.memory.write(self.store, data, offset)
        self.memory.write(self.store, struct.pack("<I", len(data)), ptr + 8)

    def _check_range(self, start: int, length: int) -> None:
        size = self.memory.data_len(self.store)
        if start + length > size:
            raise VmError(f"region out of bounds: {start}+{length} > memory size {size}")

    def allocate_bytes(self, data: bytes) -> int:
        """Ask the contract for a region of ``len(data)`` bytes, fill it; return its pointer."""
        ptr = self.allocate(self.store, len(data))
        if not isinstance(ptr, int):
            raise VmError("allocate returned no pointer")
        self.write_into(ptr, data)
        return ptr

    def release(self, ptr: int) -> None:
        self.deallocate(self.store, ptr)


def encode_sections(parts: list[bytes]) -> bytes:
    """CosmWasm's section encoding: each part followed by its u32 BE length."""
    return b"".join(p + len(p).to_bytes(4, "big") for p in parts)


def decode_sections(data: bytes, limit: int = 10_000) -> list[bytes]:
    """Inverse of ``encode_sections`` (parsed from the end); ``VmError`` when malformed."""
    parts: list[bytes] = []
    end = len(data)
    while end > 0:
        if end < 4 or len(parts) >= limit:
            raise VmError("malformed sections")
        n = int.from_bytes(data[end - 4 : end], "big")
        start = end - 4 - n
        if start < 0:
            raise VmError("malformed sections")
        parts.append(data[start : end - 4])
        end = start
    parts.reverse()
    return parts
