"""The host imports of CosmWasm interface version 8, bound to one contract call.

Every import reads its inputs through ``regions`` (bounds-checked), charges gas before it
works (``fuel.FuelAccount``), and returns results in memory the contract allocates.
Storage goes to the contract's namespace of the ``wasm`` store (``state.state_prefix``).
Iterators (``db_scan``) are numbered from 1 per call frame and walk keys in byte order
(ascending, or descending for order 2). A failing import raises; wasmtime unwinds the
contract and the exception reaches the caller unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import wasmtime

from ledger.addresses import AddressError, from_bech32, to_bech32
from store.api import KVView, ReadView
from wasm_bridge import crypto, gas
from wasm_bridge.api import VmError
from wasm_bridge.fuel import FuelAccount
from wasm_bridge.regions import ContractMemory, decode_sections, encode_sections
from wasm_bridge.state import STORE, prefix_end, state_prefix

MAX_KEY = 64 * 1024
MAX_VALUE = 128 * 1024
MAX_HUMAN_ADDRESS = 256
MAX_CANONICAL_ADDRESS = 64
MAX_QUERY_REQUEST = 64 * 1024
MAX_CRYPTO_INPUT = 128 * 1024
MAX_BATCH_INPUT = 4 * 1024 * 1024
MAX_DEBUG = 2 * 1024 * 1024
MAX_ITERATORS = 1_000

#: name -> (number of i32 params, result type: None, "i32" or "i64").
SIGNATURES: dict[str, tuple[int, str | None]] = {
    "db_read": (1, "i32"),
    "db_write": (2, None),
    "db_remove": (1, None),
    "db_scan": (3, "i32"),
    "db_next": (1, "i32"),
    "db_next_key": (1, "i32"),
    "db_next_value": (1, "i32"),
    "addr_validate": (1, "i32"),
    "addr_canonicalize": (2, "i32"),
    "addr_humanize": (2, "i32"),
    "secp256k1_verify": (3, "i32"),
    "secp256k1_recover_pubkey": (3, "i64"),
    "ed25519_verify": (3, "i32"),
    "ed25519_batch_verify": (3, "i32"),
    "debug": (1, None),
    "abort": (1, None),
    "query_chain": (1, "i32"),
}


def func_types() -> dict[str, wasmtime.FuncType]:
    """Fresh wasmtime types of the imports (a ``FuncType`` binds to the first engine using it)."""
    out = {}
    for name, (params, result) in SIGNATURES.items():
        results = [] if result is None else [wasmtime.ValType.i32() if result == "i32" else wasmtime.ValType.i64()]
        out[name] = wasmtime.FuncType([wasmtime.ValType.i32() for _ in range(params)], results)
    return out


IMPORT_NAMES = tuple(SIGNATURES)

Querier = Callable[[bytes], bytes]
"""A ``QueryRequest`` (JSON) -> ``SystemResult<ContractResult<Binary>>`` (JSON)."""


@dataclass
class HostEnv:
    """What the imports of one call frame see."""

    view: KVView | ReadView
    contract: bytes
    fuel: FuelAccount
    querier: Querier
    readonly: bool = False
    memory: ContractMemory | None = None
    iterators: dict[int, Iterator[tuple[bytes, bytes]]] = field(default_factory=dict)
    debug_log: list[str] = field(default_factory=list)


class Imports:
    """The import functions of one call frame (bound methods are the wasmtime callbacks)."""

    def __init__(self, env: HostEnv) -> None:
        self.env = env
        self.prefix = state_prefix(env.contract)

    def functions(self) -> dict[str, Callable[..., Any]]:
        return {name: getattr(self, name) for name in IMPORT_NAMES}

    def _mem(self, caller: Any) -> ContractMemory:
        if self.env.memory is None:
            raise VmError("host call before the instance was ready")
        return self.env.memory.with_store(caller)

    def _charge(self, caller: Any, amount: int) -> None:
        self.env.fuel.charge(caller, amount)

    def _writable(self) -> KVView:
        if self.env.readonly:
            raise VmError("write access denied in a read-only context (query)")
        return self.env.view  # type: ignore[return-value]

    def _error_region(self, mem: ContractMemory, text: str) -> int:
        return mem.allocate_bytes(text.encode())

    # ---- storage ----

    def db_read(self, caller: Any, key_ptr: int) -> int:
        mem = self._mem(caller)
        key = mem.read(key_ptr & 0xFFFFFFFF, MAX_KEY, "key")
        value = self.env.view.get(STORE, self.prefix + key)
        self._charge(caller, gas.READ_FLAT + gas.READ_PER_BYTE * (len(key) + len(value or b"")))
        return 0 if value is None else mem.allocate_bytes(value)

    def db_write(self, caller: Any, key_ptr: int, value_ptr: int) -> None:
        view = self._writable()
        mem = self._mem(caller)
        key = mem.read(key_ptr & 0xFFFFFFFF, MAX_KEY, "key")
        value = mem.read(value_ptr & 0xFFFFFFFF, MAX_VALUE, "value")
        self._charge(caller, gas.WRITE_FLAT + gas.WRITE_PER_BYTE * (len(key) + len(value)))
        view.set(STORE, self.prefix + key, value)

    def db_remove(self, caller: Any, key_ptr: int) -> None:
        view = self._writable()
        key = self._mem(caller).read(key_ptr & 0xFFFFFFFF, MAX_KEY, "key")
        self._charge(caller, gas.DELETE_FLAT)
        view.delete(STORE, self.prefix + key)

    def db_scan(self, caller: Any, start_ptr: int, end_ptr: int, order: int) -> int:
        mem = self._mem(caller)
        start = mem.read_optional(start_ptr & 0xFFFFFFFF, MAX_KEY, "start key")
        end = mem.read_optional(end_ptr & 0xFFFFFFFF, MAX_KEY, "end key")
        if order not in (1, 2):
            raise VmError(f"invalid iterator order {order}")
        if len(self.env.iterators) >= MAX_ITERATORS:
            raise VmError("too many iterators")
        self._charge(caller, gas.READ_FLAT)
        lo = self.prefix + (start or b"")
        hi = self.prefix + end if end is not None else prefix_end(self.prefix)
        n = len(self.prefix)
        pairs = ((k[n:], v) for k, v in self.env.view.iterate(STORE, lo, hi, reverse=order == 2))
        iterator_id = len(self.env.iterators) + 1
        self.env.iterators[iterator_id] = pairs
        return iterator_id

    def _next(self, caller: Any, iterator_id: int) -> tuple[bytes, bytes] | None:
        it = self.env.iterators.get(iterator_id & 0xFFFFFFFF)
        if it is None:
            raise VmError(f"iterator {iterator_id} does not exist")
        pair = next(it, None)
        cost = gas.ITER_NEXT_FLAT + (gas.READ_PER_BYTE * (len(pair[0]) + len(pair[1])) if pair else 0)
        self._charge(caller, cost)
        return pair

    def db_next(self, caller: Any, iterator_id: int) -> int:
        pair = self._next(caller, iterator_id)
        return self._mem(caller).allocate_bytes(encode_sections(list(pair) if pair else [b"", b""]))

    def db_next_key(self, caller: Any, iterator_id: int) -> int:
        pair = self._next(caller, iterator_id)
        return 0 if pair is None else self._mem(caller).allocate_bytes(pair[0])

    def db_next_value(self, caller: Any, iterator_id: int) -> int:
        pair = self._next(caller, iterator_id)
        return 0 if pair is None else self._mem(caller).allocate_bytes(pair[1])

    # ---- addresses ----

    def _canonical(self, human: bytes) -> bytes | str:
        try:
            text = human.decode()
            raw = from_bech32(text)
        except (UnicodeDecodeError, AddressError) as e:
            return f"invalid address: {e}"
        if to_bech32(raw) != text:
            return "address is not normalized"
        return raw

    def addr_validate(self, caller: Any, source_ptr: int) -> int:
        mem = self._mem(caller)
        human = mem.read(source_ptr & 0xFFFFFFFF, MAX_HUMAN_ADDRESS, "address")
        self._charge(caller, gas.ADDR_GAS)
        result = self._canonical(human)
        return self._error_region(mem, result) if isinstance(result, str) else 0

    def addr_canonicalize(self, caller: Any, source_ptr: int, dest_ptr: int) -> int:
        mem = self._mem(caller)
        human = mem.read(source_ptr & 0xFFFFFFFF, MAX_HUMAN_ADDRESS, "address")
        self._charge(caller, gas.ADDR_GAS)
        result = self._canonical(human)
        if isinstance(result, str):
            return self._error_region(mem, result)
        mem.write_into(dest_ptr & 0xFFFFFFFF, result)
        return 0

    def addr_humanize(self, caller: Any, source_ptr: int, dest_ptr: int) -> int:
        mem = self._mem(caller)
        raw = mem.read(source_ptr & 0xFFFFFFFF, MAX_CANONICAL_ADDRESS, "canonical address")
        self._charge(caller, gas.ADDR_GAS)
        if len(raw) not in (20, 32):
            return self._error_region(mem, f"invalid canonical address length {len(raw)}")
        mem.write_into(dest_ptr & 0xFFFFFFFF, to_bech32(raw).encode())
        return 0

    # ---- crypto ----

    def secp256k1_verify(self, caller: Any, hash_ptr: int, sig_ptr: int, key_ptr: int) -> int:
        mem = self._mem(caller)
        msg_hash = mem.read(hash_ptr & 0xFFFFFFFF, 32, "message hash")
        sig = mem.read(sig_ptr & 0xFFFFFFFF, 64, "signature")
        key = mem.read(key_ptr & 0xFFFFFFFF, 65, "public key")
        self._charge(caller, gas.SECP256K1_VERIFY_GAS)
        return crypto.secp256k1_verify(msg_hash, sig, key)

    def secp256k1_recover_pubkey(self, caller: Any, hash_ptr: int, sig_ptr: int, param: int) -> int:
        mem = self._mem(caller)
        msg_hash = mem.read(hash_ptr & 0xFFFFFFFF, 32, "message hash")
        sig = mem.read(sig_ptr & 0xFFFFFFFF, 64, "signature")
        self._charge(caller, gas.SECP256K1_RECOVER_GAS)
        code, key = crypto.secp256k1_recover(msg_hash, sig, param & 0xFFFFFFFF)
        if code:
            return code << 32
        return mem.allocate_bytes(key)

    def ed25519_verify(self, caller: Any, msg_ptr: int, sig_ptr: int, key_ptr: int) -> int:
        mem = self._mem(caller)
        message = mem.read(msg_ptr & 0xFFFFFFFF, MAX_CRYPTO_INPUT, "message")
        sig = mem.read(sig_ptr & 0xFFFFFFFF, 64, "signature")
        key = mem.read(key_ptr & 0xFFFFFFFF, 32, "public key")
        self._charge(caller, gas.ED25519_VERIFY_GAS)
        return crypto.ed25519_verify(message, sig, key)

    def ed25519_batch_verify(self, caller: Any, msgs_ptr: int, sigs_ptr: int, keys_ptr: int) -> int:
        mem = self._mem(caller)
        msgs = decode_sections(mem.read(msgs_ptr & 0xFFFFFFFF, MAX_BATCH_INPUT, "messages"))
        sigs = decode_sections(mem.read(sigs_ptr & 0xFFFFFFFF, MAX_BATCH_INPUT, "signatures"))
        keys = decode_sections(mem.read(keys_ptr & 0xFFFFFFFF, MAX_BATCH_INPUT, "public keys"))
        self._charge(caller, gas.ED25519_BATCH_BASE_GAS + gas.ED25519_BATCH_PER_SIG_GAS * len(sigs))
        return crypto.ed25519_batch_verify(msgs, sigs, keys)

    # ---- misc ----

    def debug(self, caller: Any, source_ptr: int) -> None:
        text = self._mem(caller).read(source_ptr & 0xFFFFFFFF, MAX_DEBUG, "debug message")
        self._charge(caller, gas.DEBUG_GAS + gas.copy_gas(len(text)))
        if len(self.env.debug_log) < 100:
            self.env.debug_log.append(text.decode(errors="replace"))

    def abort(self, caller: Any, source_ptr: int) -> None:
        text = self._mem(caller).read(source_ptr & 0xFFFFFFFF, MAX_DEBUG, "abort message")
        raise VmError(f"Aborted: {text.decode(errors='replace')}")

    def query_chain(self, caller: Any, request_ptr: int) -> int:
        mem = self._mem(caller)
        request = mem.read(request_ptr & 0xFFFFFFFF, MAX_QUERY_REQUEST, "query request")
        self._charge(caller, gas.QUERY_GAS)
        self.env.fuel.settle(caller)
        try:
            answer = self.env.querier(request)
        finally:
            self.env.fuel.refill(caller)
        self._charge(caller, gas.copy_gas(len(answer)))
        return mem.allocate_bytes(answer)
