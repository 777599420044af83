"""cw20 transfers per second, side by side in one run: ``python bench/wasm_bench.py [--txs N]``.

* ``wasm_bridge``: ``Keeper.execute`` of cw20-base ``transfer`` on an in-memory ``Overlay``
  (cached compiled module, full host imports, region checks, fuel gas, all-or-nothing
  overlays, events);
* raw wasmtime: the same contract and messages called straight on wasmtime (fresh store
  and instance per call, like the VM) with a minimal dict-backed host: no gas, no overlays,
  no bounds checks beyond wasmtime's own.

Prints both rates and the ratio. cw20-base is built from source on first use
(``tests/support/cw.py``).
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import wasmtime  # noqa: E402

from ledger.addresses import from_bech32, to_bech32  # noqa: E402
from ledger.context import BlockContext  # noqa: E402
from store.overlay import EmptyView, Overlay  # noqa: E402
from tests.support.cw import build_contract  # noqa: E402
from wasm_bridge import messages  # noqa: E402
from wasm_bridge.cache import ModuleCache  # noqa: E402
from wasm_bridge.code import store_code  # noqa: E402
from wasm_bridge.gas import GasMeter  # noqa: E402
from wasm_bridge.host import func_types  # noqa: E402
from wasm_bridge.keeper import Keeper  # noqa: E402

CTX = BlockContext(1, 1_700_000_000_000_000_000, "bench-1", 713714, b"\0" * 20, b"\0" * 32, 0, 0)
ALICE = b"\x01" * 20


def recipients(n: int) -> list[str]:
    return [to_bech32(i.to_bytes(20, "big")) for i in range(1000, 1000 + n)]


def init_msg() -> bytes:
    return json.dumps(
        {"name": "Bench", "symbol": "BNC", "decimals": 6, "initial_balances": [{"address": to_bech32(ALICE), "amount": "1000000000"}]}
    ).encode()


def transfer(to: str) -> bytes:
    return json.dumps({"transfer": {"recipient": to, "amount": "1"}}).encode()


def bench_bridge(code: bytes, n: int) -> float:
    keeper, view = Keeper(ModuleCache()), Overlay(EmptyView())
    store_code(view, keeper.cache, to_bech32(ALICE), code, GasMeter(10**8))
    token, _, _ = keeper.instantiate(view, CTX, GasMeter(10**7), ALICE, 1, init_msg(), label="bench")
    msgs = [transfer(r) for r in recipients(n)]
    keeper.execute(view, CTX, GasMeter(10**7), ALICE, token, msgs[0])  # warm
    started = time.perf_counter()
    for m in msgs:
        keeper.execute(view, CTX, GasMeter(10**7), ALICE, token, m)
    return n / (time.perf_counter() - started)


class RawHost:
    """A dict-backed host for the raw wasmtime baseline."""

    def __init__(self, engine: wasmtime.Engine, module: wasmtime.Module) -> None:
        self.engine, self.module, self.db = engine, module, {}
        self.types = func_types()
        self.iters: dict[int, list[tuple[bytes, bytes]]] = {}
        self.store = self.mem = self.alloc = None

    def read(self, ptr: int) -> bytes:
        off, _, length = struct.unpack("<III", self.mem.read(self.store, ptr, ptr + 12))
        return bytes(self.mem.read(self.store, off, off + length))

    def give(self, data: bytes) -> int:
        ptr = self.alloc(self.store, len(data))
        off = struct.unpack("<I", self.mem.read(self.store, ptr, ptr + 4))[0]
        self.mem.write(self.store, data, off)
        self.mem.write(self.store, struct.pack("<I", len(data)), ptr + 8)
        return ptr

    def funcs(self) -> dict:
        def db_read(c, k):
            v = self.db.get(self.read(k))
            return 0 if v is None else self.give(v)

        def db_write(c, k, v):
            self.db[self.read(k)] = self.read(v)

        def db_remove(c, k):
            self.db.pop(self.read(k), None)

        def db_scan(c, s, e, order):
            lo, hi = (self.read(s) if s else b""), (self.read(e) if e else None)
            items = sorted(kv for kv in self.db.items() if kv[0] >= lo and (hi is None or kv[0] < hi))
            self.iters[len(self.iters) + 1] = items[::-1] if order == 2 else items
            return len(self.iters)

        def db_next(c, i):
            items = self.iters[i]
            k, v = items.pop(0) if items else (b"", b"")
            return self.give(messages_sections(k, v))

        def addr_validate(c, p):
            return 0

        def addr_canonicalize(c, p, d):
            raw = from_bech32(self.read(p).decode())
            off = struct.unpack("<I", self.mem.read(self.store, d, d + 4))[0]
            self.mem.write(self.store, raw, off)
            self.mem.write(self.store, struct.pack("<I", len(raw)), d + 8)
            return 0

        def addr_humanize(c, p, d):
            text = to_bech32(self.read(p)).encode()
            off = struct.unpack("<I", self.mem.read(self.store, d, d + 4))[0]
            self.mem.write(self.store, text, off)
            self.mem.write(self.store, struct.pack("<I", len(text)), d + 8)
            return 0

        def abort(c, p):
            raise RuntimeError(self.read(p).decode())

        def zero(c, *a):
            return 0

        return {
            "db_read": db_read, "db_write": db_write, "db_remove": db_remove, "db_scan": db_scan,
            "db_next": db_next, "addr_validate": addr_validate, "addr_canonicalize": addr_canonicalize,
            "addr_humanize": addr_humanize, "abort": abort, "debug": lambda c, p: None,
            "secp256k1_verify": zero, "secp256k1_recover_pubkey": zero, "ed25519_verify": zero,
            "ed25519_batch_verify": zero, "query_chain": zero,
        }

    def call(self, export: str, args: list[bytes]) -> bytes:
        self.store = wasmtime.Store(self.engine)
        linker = wasmtime.Linker(self.engine)
        funcs, types = self.funcs(), self.types
        for imp in self.module.imports:
            linker.define_func("env", imp.name, types[imp.name], funcs[imp.name], access_caller=True)
        ex = linker.instantiate(self.store, self.module).exports(self.store)
        self.mem, self.alloc = ex["memory"], ex["allocate"]
        ptrs = [self.give(a) for a in args]
        out = self.read(ex[export](self.store, *ptrs))
        self.iters.clear()
        assert b'"ok"' in out[:6], out[:200]
        return out


def messages_sections(k: bytes, v: bytes) -> bytes:
    return k + len(k).to_bytes(4, "big") + v + len(v).to_bytes(4, "big")


def bench_raw(code: bytes, n: int) -> float:
    engine = wasmtime.Engine()
    host = RawHost(engine, wasmtime.Module(engine, code))
    token = "sei1" + "q" * 58
    env = messages.env_json(CTX, token)
    host.call("instantiate", [env, messages.info_json(to_bech32(ALICE), ()), init_msg()])
    info = messages.info_json(to_bech32(ALICE), ())
    msgs = [transfer(r) for r in recipients(n)]
    host.call("execute", [env, info, msgs[0]])
    started = time.perf_counter()
    for m in msgs:
        host.call("execute", [env, info, m])
    return n / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--txs", type=int, default=500)
    args = parser.parse_args()
    code = build_contract("cw20-base", "2.0.0").read_bytes()
    bridge = bench_bridge(code, args.txs)
    raw = bench_raw(code, args.txs)
    print(f"cw20 transfers/s  wasm_bridge (cached module): {bridge:8.0f}")
    print(f"cw20 transfers/s  raw wasmtime + dict host:    {raw:8.0f}")
    print(f"ratio wasm_bridge / raw: {bridge / raw:.2f}")


if __name__ == "__main__":
    main()
