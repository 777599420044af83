"""Wasm -> EVM calls through Sei's ``evm`` bindings on an in-process chain: a contract built
from ``tests/contracts/wasm/evm_caller`` sends ``call_evm`` to a Solidity counter (its
write, log and caller), a revert fails the Wasm message with the EVM's reason and keeps
nothing, its ``static_call`` query reads the EVM, and gas is charged to the Wasm tx."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
from eth._utils.address import generate_contract_address
from eth_abi import encode
from eth_hash.auto import keccak

from evm_bridge.account_db import read_storage
from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from ledger.accounts import evm_for_sei
from ledger.addresses import from_bech32
from tests.support.chain import InProcessChain, make_keys
from tests.support.cw_local import build_local
from tests.support.solc import compile_contract
from tests.unit.wasm_bridge.chaintxs import CONTRACTS, WASM_MODULES, Signer, event_attr, smart

ALICE = 0
INCREMENTED = keccak(b"Incremented(address,uint256)")


def selector(sig: str) -> str:
    return base64.b64encode(keccak(sig.encode())[:4]).decode()


class World:
    def __init__(self, folder) -> None:
        self.keys = make_keys(2, seed="evm-bindings")
        self.chain = InProcessChain(folder / "chain", self.keys, workers=1, modules=WASM_MODULES)
        self.chain.init_chain()
        self.s = Signer(self.keys)
        _, bytecode = compile_contract(CONTRACTS / "Counter.sol", "Counter")
        self.counter = generate_contract_address(self.keys[ALICE].evm, 0)
        r = self.block(self.s.evm(ALICE, None, bytecode, gas=2_000_000),
                       self.s.store(ALICE, build_local("evm_caller").read_bytes()))
        assert r[0].code == 0 and r[1].code == 0, (r[0].log, r[1].log)
        (r,) = self.block(self.s.instantiate(ALICE, int(event_attr(r[1], "store_code", "code_id")), {}))
        self.contract = event_attr(r, "instantiate", "_contract_address")

    def block(self, *txs: bytes) -> list:
        return list(self.chain.block(txs).tx_results)

    def call(self, sig: str, gas: int = 1_000_000):
        msg = {"call": {"to": "0x" + self.counter.hex(), "data": selector(sig)}}
        (r,) = self.block(self.s.execute(ALICE, self.contract, msg, gas=gas))
        return r

    def count(self) -> int:
        return read_storage(self.chain.db.read_view(), self.counter, 0)


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    w = World(tmp_path)
    yield w
    w.chain.close()


def test_call_evm_runs_the_call_as_the_contract(world: World) -> None:
    r = world.call("increment()")
    assert r.code == 0, r.log
    assert world.count() == 1
    view = world.chain.db.read_view()
    caller = evm_for_sei(view, from_bech32(world.contract))
    assert read_storage(view, world.counter, 1) == int.from_bytes(caller, "big")
    logs = [{a.key: a.value for a in e.attributes} for e in r.events if e.type == "evm_log"]
    assert len(logs) == 1 and logs[0]["address"] == "0x" + world.counter.hex()
    assert logs[0]["topics"].split(",") == ["0x" + INCREMENTED.hex(), "0x" + caller.rjust(32, b"\0").hex()]


def test_a_reverting_call_fails_the_wasm_message_and_keeps_nothing(world: World) -> None:
    r = world.call("incrementThenRevert()")
    assert r.code != 0 and "execution reverted: no way" in r.log
    assert world.count() == 0


def test_the_evm_gas_is_charged_to_the_wasm_tx(world: World) -> None:
    cheap = world.call("count()")
    costly = world.call("increment()")
    assert cheap.code == 0 and costly.code == 0
    assert costly.gas_used - cheap.gas_used > 20_000  # a fresh storage slot alone costs 20,000
    starved = world.call("burnGas()", gas=300_000)
    assert starved.code != 0 and world.count() == 1


def test_static_call_query_reads_the_evm(world: World) -> None:
    world.call("increment()")
    world.call("increment()")
    out = smart(world.chain, world.contract, {"static_call": {"to": "0x" + world.counter.hex(), "data": selector("count()")}})
    assert base64.b64decode(out["encoded_data"]) == (2).to_bytes(32, "big")


def test_a_contract_called_from_the_evm_cannot_call_the_evm(world: World) -> None:
    msg = json.dumps({"call": {"to": "0x" + world.counter.hex(), "data": selector("increment()")}}).encode()
    data = keccak(b"execute(string,bytes,bytes)")[:4] + encode(["string", "bytes", "bytes"], [world.contract, msg, b""])
    (r,) = world.block(world.s.evm(ALICE, WASMD, data, gas=2_000_000))
    assert r.code != 0
    assert b"a Wasm contract called from the EVM cannot call the EVM" in r.data
    assert world.count() == 0
