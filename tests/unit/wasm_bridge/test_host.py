"""Host imports called directly on a real instance's memory (the echo contract's allocator)."""

from __future__ import annotations

import base64
import hashlib
import json

import coincurve
import pytest
import wasmtime
from Crypto.PublicKey import ECC
from Crypto.Signature import eddsa

from ledger import bank
from ledger.addresses import to_bech32
from wasm_bridge import crypto, state
from wasm_bridge.api import OutOfGas, VmError
from wasm_bridge.frame import Frame
from wasm_bridge.fuel import FuelAccount
from wasm_bridge.gas import FUEL_PER_GAS, READ_FLAT, GasMeter
from wasm_bridge.host import HostEnv, Imports
from wasm_bridge.querier import Querier
from wasm_bridge.regions import ContractMemory, decode_sections, encode_sections

from .conftest import ALICE, CTX, wat

CONTRACT = b"\x09" * 32


class Harness:
    def __init__(self, view, keeper, readonly: bool = False, limit: int = 10**6) -> None:
        engine = keeper.cache.engine
        self.meter = GasMeter(limit)
        self.store = wasmtime.Store(engine)
        self.env = HostEnv(view, CONTRACT, FuelAccount(self.meter), Querier(keeper, view, Frame(CTX, self.meter)).answer, readonly)
        self.imports = Imports(self.env)
        linker = wasmtime.Linker(engine)
        funcs = self.imports.functions()
        module = wasmtime.Module(engine, wat())
        for imp in module.imports:
            linker.define_func("env", imp.name, keeper.cache.func_types[imp.name], funcs[imp.name], access_caller=True)
        self.env.fuel.begin(self.store)
        ex = linker.instantiate(self.store, module).exports(self.store)
        self.env.memory = self.mem = ContractMemory(self.store, ex["memory"], ex["allocate"], ex["deallocate"])

    def put(self, data: bytes) -> int:
        return self.mem.allocate_bytes(data)

    def get(self, ptr: int) -> bytes:
        return self.mem.read(ptr, 1 << 24)

    def call(self, name: str, *args: int) -> int:
        return getattr(self.imports, name)(self.store, *args)


@pytest.fixture
def host(view, keeper) -> Harness:
    return Harness(view, keeper)


def test_db_read_write_remove_in_the_contract_namespace(host, view):
    assert host.call("db_read", host.put(b"k")) == 0
    host.call("db_write", host.put(b"k"), host.put(b"value"))
    assert view.get(state.STORE, state.state_prefix(CONTRACT) + b"k") == b"value"
    assert host.get(host.call("db_read", host.put(b"k"))) == b"value"
    host.call("db_remove", host.put(b"k"))
    assert host.call("db_read", host.put(b"k")) == 0


def test_scan_orders_and_bounds(host):
    for k in (b"b", b"a", b"c", b"d"):
        host.call("db_write", host.put(k), host.put(k.upper()))
    asc = host.call("db_scan", host.put(b"b"), host.put(b"d"), 1)
    seen = [decode_sections(host.get(host.call("db_next", asc))) for _ in range(3)]
    assert seen == [[b"b", b"B"], [b"c", b"C"], [b"", b""]]
    desc = host.call("db_scan", 0, 0, 2)
    assert desc == asc + 1
    assert host.get(host.call("db_next_key", desc)) == b"d"
    assert host.get(host.call("db_next_value", desc)) == b"C"
    for _ in range(2):
        host.call("db_next_key", desc)
    assert host.call("db_next_key", desc) == 0
    with pytest.raises(VmError, match="iterator 99"):
        host.call("db_next", 99)


def test_writes_refused_when_read_only(view, keeper):
    h = Harness(view, keeper, readonly=True)
    with pytest.raises(VmError, match="read-only"):
        h.call("db_write", h.put(b"k"), h.put(b"v"))


def test_addresses(host):
    good = to_bech32(ALICE)
    assert host.call("addr_validate", host.put(good.encode())) == 0
    err = host.call("addr_validate", host.put(good.upper().encode()))
    assert b"not normalized" in host.get(err)
    assert b"invalid address" in host.get(host.call("addr_validate", host.put(b"cosmos1xyz")))
    dest = host.mem.allocate(host.store, 64)
    assert host.call("addr_canonicalize", host.put(good.encode()), dest) == 0
    assert host.get(dest) == ALICE
    human = host.mem.allocate(host.store, 90)
    assert host.call("addr_humanize", host.put(ALICE), human) == 0
    assert host.get(human) == good.encode()
    assert host.call("addr_humanize", host.put(b"\x01" * 7), human) != 0


def test_region_too_small_is_an_error(host):
    small = host.mem.allocate(host.store, 4)
    with pytest.raises(VmError, match="region too small"):
        host.call("addr_canonicalize", host.put(to_bech32(ALICE).encode()), small)


def test_secp256k1(host):
    key = coincurve.PrivateKey(b"\x11" * 32)
    msg_hash = hashlib.sha256(b"hello").digest()
    sig65 = key.sign_recoverable(msg_hash, hasher=None)
    sig, rec = sig65[:64], sig65[64]
    pub = key.public_key.format(compressed=True)
    assert host.call("secp256k1_verify", host.put(msg_hash), host.put(sig), host.put(pub)) == 0
    bad = hashlib.sha256(b"other").digest()
    assert host.call("secp256k1_verify", host.put(bad), host.put(sig), host.put(pub)) == 1
    assert host.call("secp256k1_verify", host.put(msg_hash), host.put(sig), host.put(b"\x02" * 5)) == crypto.BAD_PUBKEY
    packed = host.call("secp256k1_recover_pubkey", host.put(msg_hash), host.put(sig), rec)
    assert packed >> 32 == 0
    assert host.get(packed & 0xFFFFFFFF) == key.public_key.format(compressed=False)
    assert host.call("secp256k1_recover_pubkey", host.put(msg_hash), host.put(sig), 7) >> 32 == crypto.BAD_RECOVERY_PARAM


def test_ed25519(host):
    keys = [ECC.generate(curve="ed25519", randfunc=_det(i)) for i in range(3)]
    msgs = [b"m%d" % i for i in range(3)]
    sigs = [eddsa.new(k, "rfc8032").sign(m) for k, m in zip(keys, msgs, strict=True)]
    pubs = [k.public_key().export_key(format="raw") for k in keys]
    assert host.call("ed25519_verify", host.put(msgs[0]), host.put(sigs[0]), host.put(pubs[0])) == 0
    assert host.call("ed25519_verify", host.put(msgs[1]), host.put(sigs[0]), host.put(pubs[0])) == 1
    batch = [host.put(encode_sections(x)) for x in (msgs, sigs, pubs)]
    assert host.call("ed25519_batch_verify", *batch) == 0
    wrong = [host.put(encode_sections(x)) for x in (msgs, sigs[::-1], pubs)]
    assert host.call("ed25519_batch_verify", *wrong) == 1


def _det(seed: int):
    stream = hashlib.sha256(b"seed%d" % seed).digest() * 4
    pos = [0]

    def rand(n: int) -> bytes:
        out = stream[pos[0] : pos[0] + n]
        pos[0] += n
        return out

    return rand


def test_debug_and_abort(host):
    host.call("debug", host.put(b"hello"))
    assert host.env.debug_log == ["hello"]
    with pytest.raises(VmError, match="Aborted: panicked here"):
        host.call("abort", host.put(b"panicked here"))


def test_query_chain_bank_and_unsupported(host):
    req = {"bank": {"balance": {"address": to_bech32(ALICE), "denom": "usei"}}}
    answer = json.loads(host.get(host.call("query_chain", host.put(json.dumps(req).encode()))))
    inner = json.loads(base64.b64decode(answer["ok"]["ok"]))
    assert inner == {"amount": {"denom": "usei", "amount": str(1_000_000)}}
    req = {"staking": {"all_validators": {}}}
    answer = json.loads(host.get(host.call("query_chain", host.put(json.dumps(req).encode()))))
    assert "unsupported_request" in answer["error"]
    missing = {"wasm": {"smart": {"contract_addr": to_bech32(CONTRACT), "msg": "e30="}}}
    answer = json.loads(host.get(host.call("query_chain", host.put(json.dumps(missing).encode()))))
    assert "no_such_contract" in answer["error"]


def test_bad_pointers_are_clean_errors(host):
    size = host.mem.memory.data_len(host.store)
    for ptr in (size - 4, 0xFFFFFFF0, 0):
        with pytest.raises(VmError):
            host.call("db_read", ptr)


def test_host_charges_burn_fuel_and_run_out(view, keeper):
    h = Harness(view, keeper, limit=READ_FLAT + 50)
    bank.mint(view, CONTRACT, "usei", 1)
    before = wasmtime.Store.get_fuel(h.store)
    h.call("db_read", h.put(b"k"))
    assert before - wasmtime.Store.get_fuel(h.store) >= READ_FLAT * FUEL_PER_GAS
    with pytest.raises(OutOfGas):
        h.call("db_read", h.put(b"k"))
