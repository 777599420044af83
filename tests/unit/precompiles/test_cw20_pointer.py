"""The ERC-20 pointer of a CW20 (CW20Pointer.sol, compiled by the npm solc) on an in-process
chain with cw20-base built from crates.io: registered by ``addCW20Pointer``, its ERC-20
reads are the CW20's queries, and ``transfer``/``approve``/``transferFrom`` move the CW20
with the wallet as the contract's sender (the wasmd precompile's DELEGATECALL from the
registered pointer); anyone else's DELEGATECALL to ``execute`` stays refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eth_abi import decode, encode
from eth_hash.auto import keccak

from evm_bridge.pointers import registry
from evm_bridge.pointers.build import ensure_built
from evm_bridge.precompiles.pointer import ADDRESS as POINTER
from ledger.addresses import to_checksum_evm
from tests.support.chain import InProcessChain, make_keys
from tests.support.cw import build_contract
from tests.unit.wasm_bridge.chaintxs import WASM_MODULES, Signer, event_attr, smart

ALICE, BOB, CAROL = 0, 1, 2
TRANSFER = keccak(b"Transfer(address,address,uint256)")


def call(sig: str, types: list[str], args: list) -> bytes:
    return keccak(sig.encode())[:4] + encode(types, args)


class World:
    """cw20-base (alice 1,000, bob 10) and its ERC-20 pointer, registered by carol."""

    def __init__(self, folder) -> None:
        ensure_built()
        self.keys = make_keys(3, seed="cw20ptr")
        self.chain = InProcessChain(folder / "chain", self.keys, workers=1, modules=WASM_MODULES)
        self.chain.init_chain()
        self.s = Signer(self.keys)
        (r,) = self.block(self.s.store(ALICE, build_contract("cw20-base", "2.0.0").read_bytes()))
        code_id = int(event_attr(r, "store_code", "code_id"))
        init = {"name": "Gold", "symbol": "GLD", "decimals": 3, "initial_balances": [
            {"address": self.keys[ALICE].bech32, "amount": "1000"}, {"address": self.keys[BOB].bech32, "amount": "10"}]}
        (r,) = self.block(self.s.instantiate(ALICE, code_id, init))
        self.token = event_attr(r, "instantiate", "_contract_address")
        self.registered = self.evm(CAROL, POINTER, call("addCW20Pointer(string)", ["string"], [self.token]))
        self.pointer = registry.get(self.chain.db.read_view(), registry.Kind.CW20, self.token)

    def block(self, *txs: bytes) -> list:
        return list(self.chain.block(txs).tx_results)

    def evm(self, who: int, to: bytes, data: bytes):
        (r,) = self.block(self.s.evm(who, to, data, gas=3_000_000))
        return r

    def read(self, sig: str, types: list[str], args: list, out: list[str]) -> tuple:
        r = self.evm(CAROL, self.pointer.address, call(sig, types, args))
        assert r.code == 0, r.log
        return decode(out, r.data)

    def cw20(self, who: int) -> int:
        return int(smart(self.chain, self.token, {"balance": {"address": self.keys[who].bech32}})["balance"])

    def evm_addr(self, who: int) -> str:
        return to_checksum_evm(self.keys[who].evm)


@pytest.fixture
def world(tmp_path) -> Iterator[World]:
    w = World(tmp_path)
    yield w
    w.chain.close()


def test_add_cw20_pointer_registers_it(world: World) -> None:
    assert world.registered.code == 0, world.registered.log
    assert world.pointer is not None and world.pointer.version == 1
    assert decode(["address"], world.registered.data)[0].lower() == "0x" + world.pointer.address.hex()
    again = world.evm(ALICE, POINTER, call("addCW20Pointer(string)", ["string"], [world.token]))
    assert again.code != 0 and f"cw20 pointer for {world.token} already exists".encode() in again.data


def test_erc20_reads_are_the_cw20s(world: World) -> None:
    assert world.read("name()", [], [], ["string"]) == ("Gold",)
    assert world.read("symbol()", [], [], ["string"]) == ("GLD",)
    assert world.read("decimals()", [], [], ["uint8"]) == (3,)
    assert world.read("totalSupply()", [], [], ["uint256"]) == (1010,)
    assert world.read("balanceOf(address)", ["address"], [world.evm_addr(ALICE)], ["uint256"]) == (1000,)


def test_transfer_moves_the_cw20_from_the_wallet(world: World) -> None:
    r = world.evm(ALICE, world.pointer.address,
                  call("transfer(address,uint256)", ["address", "uint256"], [world.evm_addr(BOB), 250]))
    assert r.code == 0, r.log
    assert (world.cw20(ALICE), world.cw20(BOB)) == (750, 260)  # alice was the CW20's sender


def test_transfer_above_the_balance_reverts_and_moves_nothing(world: World) -> None:
    r = world.evm(BOB, world.pointer.address,
                  call("transfer(address,uint256)", ["address", "uint256"], [world.evm_addr(ALICE), 11]))
    assert r.code != 0 and b"Cannot Sub" in r.data
    assert (world.cw20(ALICE), world.cw20(BOB)) == (1000, 10)


def test_approve_then_transfer_from(world: World) -> None:
    r = world.evm(ALICE, world.pointer.address,
                  call("approve(address,uint256)", ["address", "uint256"], [world.evm_addr(CAROL), 300]))
    assert r.code == 0, r.log
    got = world.read("allowance(address,address)", ["address", "address"],
                     [world.evm_addr(ALICE), world.evm_addr(CAROL)], ["uint256"])
    assert got == (300,)
    r = world.evm(CAROL, world.pointer.address, call(
        "transferFrom(address,address,uint256)", ["address", "address", "uint256"],
        [world.evm_addr(ALICE), world.evm_addr(BOB), 120]))
    assert r.code == 0, r.log
    assert (world.cw20(ALICE), world.cw20(BOB)) == (880, 130)


def test_a_wasm_transfer_of_the_cw20_carries_the_pointers_transfer_log(world: World) -> None:
    (r,) = world.block(world.s.execute(ALICE, world.token, {"transfer": {"recipient": world.keys[BOB].bech32,
                                                                          "amount": "40"}}))
    assert r.code == 0, r.log
    logs = [{a.key: a.value for a in e.attributes} for e in r.events if e.type == "evm_log"]
    alice, bob = (world.keys[i].evm.rjust(32, b"\0").hex() for i in (ALICE, BOB))
    assert logs == [{"address": "0x" + world.pointer.address.hex(),
                     "topics": f"0x{TRANSFER.hex()},0x{alice},0x{bob}", "data": "0x" + (40).to_bytes(32, "big").hex()}]
