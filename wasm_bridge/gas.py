"""Gas: wasmtime fuel converted to SDK gas, plus flat charges for host calls and storage.

Rate: one unit of wasmtime fuel is (about) one Wasm instruction; ``FUEL_PER_GAS`` = 100
instructions cost 1 SDK gas, rounded up per contract call. Host calls are charged in SDK
gas (the table below; storage follows the SDK's KV gas config) by burning the equivalent
fuel, so fuel left in the store is always ``(limit - used) * FUEL_PER_GAS``. Running out is
a trap of the wasmtime store or an ``OutOfGas`` from a host charge; either way the same
instruction count reaches the same point on every validator, so out-of-gas is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

from wasm_bridge.api import OutOfGas

FUEL_PER_GAS = 100

#: Flat charges, SDK gas.
INSTANCE_GAS = 10_000  # every contract call (setting up a store and instance)
COMPILE_GAS_PER_BYTE = 3  # MsgStoreCode: per byte of uncompressed code (wasmd's compile cost)
READ_FLAT, READ_PER_BYTE = 1_000, 3
WRITE_FLAT, WRITE_PER_BYTE = 2_000, 30
DELETE_FLAT = 1_000
ITER_NEXT_FLAT = 30
ADDR_GAS = 500
SECP256K1_VERIFY_GAS = 1_540
SECP256K1_RECOVER_GAS = 1_620
ED25519_VERIFY_GAS = 630
ED25519_BATCH_BASE_GAS, ED25519_BATCH_PER_SIG_GAS = 630, 350
QUERY_GAS = 1_000
DEBUG_GAS = 100
EVENT_PER_BYTE = 1  # per byte of event types, attribute keys and values
MEMORY_BYTES_PER_GAS = 1_024  # copying data into and out of contract memory

#: Gas limit of a contract call when the caller gives none (queries).
DEFAULT_QUERY_GAS = 3_000_000
#: Most gas one meter may hold whatever the caller's limit (keeps wasmtime fuel in a u64).
MAX_GAS_LIMIT = 10**15


@dataclass
class GasMeter:
    """SDK gas of one tx's Wasm work (or one query); raises ``OutOfGas`` past ``limit``."""

    limit: int
    used: int = 0

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def charge(self, gas: int) -> None:
        wanted = self.used + gas
        if wanted > self.limit:
            self.used = self.limit
            raise OutOfGas(self.limit, wanted)
        self.used = wanted

    def sub(self, limit: int | None) -> GasMeter:
        """A child meter for a submessage with its own ``gas_limit`` (capped by ours)."""
        return GasMeter(self.remaining if limit is None else min(limit, self.remaining))


def fuel_to_gas(fuel: int) -> int:
    """SDK gas for ``fuel`` instructions (rounded up)."""
    return -(-fuel // FUEL_PER_GAS)


def copy_gas(n_bytes: int) -> int:
    return n_bytes // MEMORY_BYTES_PER_GAS
