"""The CW20 pointer of an ERC-20 on an in-process chain: ``addERC20Pointer`` stores the
cwerc20 code once and instantiates it; cw20 ``transfer``, ``increase_allowance`` +
``transfer_from`` and ``send`` through the pointer move the ERC-20's balances as the
message's sender (``balanceOf`` read by eth_call equals the cw20 ``balance`` query), the
ERC-20's revert reason fails the Wasm message, and ``mint``/``burn`` are refused."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator

import pytest
from eth._utils.address import generate_contract_address
from eth_abi import decode, encode
from eth_hash.auto import keccak

from abci_app.modules.loader import load_modules, share_precompile_table
from abci_app.modules.wasm_evm import AppEvmCaller
from evm_bridge.call import call
from evm_bridge.pointers import registry
from evm_bridge.pointers.artifacts import CWERC20, load_wasm
from evm_bridge.pointers.build import ensure_built
from evm_bridge.precompiles.pointer import ADDRESS as POINTER
from evm_bridge.precompiles.pointerview import ADDRESS as POINTERVIEW
from ledger.addresses import from_bech32, module_address, to_bech32
from ledger.context import query_context
from store.overlay import Overlay
from tests.support.chain import InProcessChain, make_keys
from tests.support.cw_local import build_local
from tests.support.solc import compile_contract
from tests.unit.wasm_bridge.chaintxs import CONTRACTS, WASM_MODULES, Signer, event_attr, smart
from wasm_bridge.api import EvmCallFailed
from wasm_bridge.state import code_info, contract_info

ALICE, BOB, CAROL = 0, 1, 2
SUPPLY = 1_000
TRANSFER = keccak(b"Transfer(address,address,uint256)")


def _call(sig: str, types: list[str], args: list) -> bytes:
    return keccak(sig.encode())[:4] + encode(types, args)


class World:
    def __init__(self, folder) -> None:
        ensure_built()
        self.keys = make_keys(3, seed="erc20-pointer")
        self.chain = InProcessChain(folder / "chain", self.keys, workers=1, modules=WASM_MODULES)
        self.chain.init_chain()
        self.table = share_precompile_table(load_modules(WASM_MODULES))
        self.s = Signer(self.keys)
        _, bytecode = compile_contract(CONTRACTS / "ReasonToken.sol", "ReasonToken")
        self.token = generate_contract_address(self.keys[ALICE].evm, 0)
        deploy = bytecode + encode(["string", "string", "uint256"], ["Reason", "RSN", SUPPLY])
        r = self.block(self.s.evm(ALICE, None, deploy, gas=3_000_000),
                       self.s.store(BOB, build_local("cw20_receiver").read_bytes()))
        assert [x.code for x in r] == [0, 0], [x.log for x in r]
        (r,) = self.block(self.s.instantiate(BOB, int(event_attr(r[1], "store_code", "code_id")), {}))
        self.receiver = event_attr(r, "instantiate", "_contract_address")
        (self.registration,) = self.block(self.register(BOB, self.token))
        assert self.registration.code == 0, self.registration.log
        self.pointer = self.pointerview(self.token)[0]

    def block(self, *txs: bytes) -> list:
        return list(self.chain.block(txs).tx_results)

    def register(self, i: int, token: bytes) -> bytes:
        return self.s.evm(i, POINTER, _call("addERC20Pointer(address)", ["address"], ["0x" + token.hex()]), gas=5_000_000)

    def eth_call(self, to: bytes, data: bytes) -> bytes:
        out = call(self.chain.db.read_view(), query_context(self.chain.height), self.table, None, to, data, gas=10**7)
        assert out.success, out.error
        return out.output

    def pointerview(self, token: bytes) -> tuple[str, int, bool]:
        data = _call("getERC20Pointer(address)", ["address"], ["0x" + token.hex()])
        return decode(["string", "uint16", "bool"], self.eth_call(POINTERVIEW, data))

    def balance_of(self, i: int) -> int:
        data = _call("balanceOf(address)", ["address"], ["0x" + self.keys[i].evm.hex()])
        return decode(["uint256"], self.eth_call(self.token, data))[0]

    def cw20_balance(self, i: int) -> int:
        return int(smart(self.chain, self.pointer, {"balance": {"address": self.keys[i].bech32}})["balance"])

    def execute(self, i: int, msg: dict, gas: int = 2_000_000):
        (r,) = self.block(self.s.execute(i, self.pointer, msg, gas=gas))
        return r


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = World(tmp_path_factory.mktemp("erc20-pointer"))
    yield w
    w.chain.close()


def test_registration_stores_the_code_once_and_records_the_pointer(world: World) -> None:
    view = world.chain.db.read_view()
    pointee = "0x" + world.token.hex()
    found = registry.get(view, registry.Kind.ERC20, pointee)
    assert found is not None and to_bech32(found.address) == world.pointer and found.version == 1
    assert registry.pointee_of(view, found.address) == (registry.Kind.ERC20, pointee)
    assert world.pointerview(world.token) == (world.pointer, 1, True)
    assert world.pointerview(b"\x42" * 20) == ("", 0, False)
    version, code_id = registry.pointer_code(view, registry.Kind.ERC20)
    assert (version, code_id) == (1, 2)  # code 1 is the test's receiver
    info = contract_info(view, found.address)
    evm_module = to_bech32(module_address("evm"))
    assert (info.code_id, info.creator, info.admin, info.label) == (2, evm_module, evm_module, f"Pointer of {pointee}")
    assert code_info(view, 2).checksum == hashlib.sha256(load_wasm(CWERC20).code).digest()


def test_a_second_registration_and_a_non_contract_are_refused(world: World) -> None:
    again, eoa = world.block(world.register(CAROL, world.token), world.register(CAROL, world.keys[BOB].evm))
    assert again.code != 0 and b"erc20 pointer for 0x" + world.token.hex().encode() + b" already exists" in again.data
    assert eoa.code != 0 and b"is not a contract" in eoa.data


def test_token_info_reads_the_erc20(world: World) -> None:
    info = smart(world.chain, world.pointer, {"token_info": {}})
    assert info == {"name": "Reason", "symbol": "RSN", "decimals": 6, "total_supply": str(SUPPLY)}


def _logs(result) -> list[tuple[str, int, int, int]]:
    """(address, from, to, value) of the ERC-20 Transfer logs a tx carries."""
    out = []
    for e in result.events:
        attrs = {a.key: a.value for a in e.attributes}
        if e.type == "evm_log" and attrs["topics"].split(",")[0] == "0x" + TRANSFER.hex():
            _, src, dst = attrs["topics"].split(",")
            out.append((attrs["address"], int(src, 16), int(dst, 16), int(attrs["data"], 16)))
    return out


def test_transfers_move_the_erc20_as_the_message_sender(world: World) -> None:
    alice, bob, carol = (int.from_bytes(world.keys[i].evm, "big") for i in (ALICE, BOB, CAROL))
    before = [world.balance_of(i) for i in (ALICE, BOB, CAROL)]
    r = world.execute(ALICE, {"transfer": {"recipient": world.keys[BOB].bech32, "amount": "300"}})
    assert r.code == 0, r.log
    assert _logs(r) == [("0x" + world.token.hex(), alice, bob, 300)]
    assert [world.balance_of(i) for i in (ALICE, BOB)] == [before[0] - 300, before[1] + 300]
    assert [world.cw20_balance(i) for i in (ALICE, BOB)] == [world.balance_of(ALICE), world.balance_of(BOB)]

    r = world.execute(ALICE, {"increase_allowance": {"spender": world.keys[BOB].bech32, "amount": "200"}})
    assert r.code == 0, r.log
    allowance = {"allowance": {"owner": world.keys[ALICE].bech32, "spender": world.keys[BOB].bech32}}
    assert smart(world.chain, world.pointer, allowance) == {"allowance": "200", "expires": {"never": {}}}
    pull = {"transfer_from": {"owner": world.keys[ALICE].bech32, "recipient": world.keys[CAROL].bech32, "amount": "150"}}
    r = world.execute(BOB, pull)
    assert r.code == 0, r.log
    assert _logs(r) == [("0x" + world.token.hex(), alice, carol, 150)]
    assert smart(world.chain, world.pointer, allowance)["allowance"] == "50"
    r = world.execute(BOB, pull)
    assert r.code != 0 and "execution reverted: ReasonToken: allowance too low" in r.log
    r = world.execute(ALICE, {"decrease_allowance": {"spender": world.keys[BOB].bech32, "amount": "80"}})
    assert r.code == 0 and smart(world.chain, world.pointer, allowance)["allowance"] == "0"
    assert [world.balance_of(i) for i in (ALICE, BOB, CAROL)] == [before[0] - 450, before[1] + 300, before[2] + 150]
    assert [world.cw20_balance(i) for i in (ALICE, BOB, CAROL)] == [before[0] - 450, before[1] + 300, before[2] + 150]


def test_send_moves_then_calls_the_receiver(world: World) -> None:
    before = world.balance_of(BOB)
    msg = base64.b64encode(b'"hello"').decode()
    r = world.execute(BOB, {"send": {"contract": world.receiver, "amount": "40", "msg": msg}})
    assert r.code == 0, r.log
    assert smart(world.chain, world.receiver, {"last": {}}) == {
        "token": world.pointer, "sender": world.keys[BOB].bech32, "amount": "40", "msg": msg}
    assert world.balance_of(BOB) == before - 40
    assert int(smart(world.chain, world.pointer, {"balance": {"address": world.receiver}})["balance"]) == 40
    refused = world.execute(BOB, {"send": {"contract": world.receiver, "amount": "5", "msg": base64.b64encode(b'"fail"').decode()}})
    assert refused.code != 0 and "receiver refuses" in refused.log
    assert world.balance_of(BOB) == before - 40


def test_a_reverting_erc20_fails_the_message_with_its_reason_and_charges_gas(world: World) -> None:
    before = [world.balance_of(i) for i in (ALICE, CAROL)]
    r = world.execute(CAROL, {"transfer": {"recipient": world.keys[ALICE].bech32, "amount": str(10**6)}})
    assert r.code != 0 and "execution reverted: ReasonToken: balance too low" in r.log
    ok = world.execute(CAROL, {"transfer": {"recipient": world.keys[ALICE].bech32, "amount": "1"}})
    assert ok.code == 0, ok.log
    assert ok.gas_used > r.gas_used > 30_000  # the flat handler gas, the Wasm work and the EVM call
    assert [world.balance_of(i) for i in (ALICE, CAROL)] == [before[0] + 1, before[1] - 1]


def test_mint_and_burn_are_refused(world: World) -> None:
    mint = world.execute(ALICE, {"mint": {"recipient": world.keys[ALICE].bech32, "amount": "1"}})
    burn = world.execute(ALICE, {"burn": {"amount": "1"}})
    assert mint.code != 0 and "mint is not supported by a CW20 pointer of an ERC-20" in mint.log
    assert burn.code != 0 and "burn is not supported by a CW20 pointer of an ERC-20" in burn.log
    assert world.cw20_balance(ALICE) == world.balance_of(ALICE)


def _caller(world: World) -> AppEvmCaller:
    caller = AppEvmCaller()
    caller.use(world.table)
    return caller


def test_delegate_call_is_refused_to_a_contract_that_is_not_the_pointer_of_its_target(world: World) -> None:
    view, ctx = Overlay(world.chain.db.read_view()), query_context(world.chain.height)
    data = _call("transfer(address,uint256)", ["address", "uint256"], ["0x" + world.keys[BOB].evm.hex(), 1])
    alice, pointer = world.keys[ALICE].sei, from_bech32(world.pointer)
    with pytest.raises(EvmCallFailed, match="^only pointer contract can make delegatecalls$"):
        _caller(world).delegate_call(view, ctx, from_bech32(world.receiver), alice, world.token, data, 10**6)
    with pytest.raises(EvmCallFailed, match="^only pointer contract can make delegatecalls$"):
        _caller(world).delegate_call(view, ctx, pointer, alice, world.keys[BOB].evm, data, 10**6)
    with pytest.raises(EvmCallFailed, match=r"^address sei1\w+ is not linked$"):
        _caller(world).delegate_call(view, ctx, pointer, b"\x07" * 20, world.token, data, 10**6)
    assert view.writes() == {}
    out = _caller(world).delegate_call(view, ctx, pointer, alice, world.token, data, 10**6)
    assert out.output == (1).to_bytes(32, "big") and out.gas_used > 21_000
    assert [e.type for e in out.events] == ["evm_log"]


def test_a_contract_reached_from_the_evm_cannot_delegate_call(world: World) -> None:
    ctx = query_context(world.chain.height, from_evm=True)
    with pytest.raises(EvmCallFailed, match="a Wasm contract called from the EVM cannot call the EVM"):
        _caller(world).delegate_call(Overlay(world.chain.db.read_view()), ctx, from_bech32(world.pointer),
                                     world.keys[ALICE].sei, world.token, b"", 10**6)
