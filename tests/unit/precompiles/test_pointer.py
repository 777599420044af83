"""The pointer registry, the pointer and pointerview precompiles and the native ERC-20
pointer (compiled from NativePointer.sol by the npm solc) through real EVM txs."""

from __future__ import annotations

import pytest
from eth_abi import decode, encode
from eth_account import Account
from eth_hash.auto import keccak

from evm_bridge.account_db import read_nonce
from evm_bridge.call import call
from evm_bridge.execute import execute_tx
from evm_bridge.pointers import registry
from evm_bridge.pointers.artifacts import NATIVE, version_of
from evm_bridge.pointers.build import ensure_built
from evm_bridge.pointers.synthetic import logs_of
from evm_bridge.precompiles.bank import ADDRESS as BANK
from evm_bridge.precompiles.base import revert_data
from evm_bridge.precompiles.pointer import ADDRESS as POINTER
from evm_bridge.precompiles.pointerview import ADDRESS as POINTERVIEW
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.txs import decode_tx
from ledger import accounts, bank
from ledger.addresses import evm_address_from_pubkey, to_checksum_evm
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from tests.unit.staking.conftest import ALICE, BOB, FUNDS, Chain, DictView

TRANSFER = keccak(b"Transfer(address,address,uint256)")
APPROVAL = keccak(b"Approval(address,address,uint256)")


def data(sig: str, types: list[str], args: list) -> bytes:
    return keccak(sig.encode())[:4] + encode(types, args)


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    ensure_built()


@pytest.fixture
def chain() -> Chain:
    c = Chain()
    for key in (ALICE, BOB):  # as their first signed txs would
        accounts.associate(c.view, key.address, evm_of(key))
    return c


def evm_of(key) -> bytes:
    return evm_address_from_pubkey(key.pubkey)


def send(chain: Chain, key, to: bytes, payload: bytes):
    tx = {"type": 2, "chainId": 713714, "nonce": read_nonce(chain.view, evm_of(key)), "gas": 3_000_000,
          "maxFeePerGas": 10**9, "maxPriorityFeePerGas": 0, "to": to_checksum_evm(to), "value": 0, "data": payload}
    return execute_tx(decode_tx(bytes(Account.sign_transaction(tx, key.priv).raw_transaction), 713714),
                      chain.ctx, chain.view, precompile_table())


def view_call(chain: Chain, to: bytes, payload: bytes, out: list[str]) -> tuple:
    res = call(chain.view, chain.ctx, precompile_table(), evm_of(ALICE), to, payload)
    assert res.success, res.error
    return decode(out, res.output)


def add_native(chain: Chain, denom: str, key=ALICE):
    return send(chain, key, POINTER, data("addNativePointer(string)", ["string"], [denom]))


def usei_pointer(chain: Chain) -> bytes:
    res = add_native(chain, "usei")
    assert res.code == 0, res.log
    return bytes.fromhex(decode(["address"], res.data)[0][2:])


def test_add_native_pointer_registers_the_deployed_contract(chain: Chain) -> None:
    address = usei_pointer(chain)
    assert address == keccak(b"\xd6\x94" + POINTER + b"\x80")[12:]  # CREATE address of (0x…100B, nonce 0)
    found = registry.get(chain.view, registry.Kind.NATIVE, "usei")
    assert found == registry.Pointer(address, version_of(NATIVE))
    assert registry.pointee_of(chain.view, address) == (registry.Kind.NATIVE, "usei")
    assert chain.view.get("evm", b"c" + address) is not None


def test_pointerview_answers_registered_and_missing_pointees(chain: Chain) -> None:
    address = usei_pointer(chain)
    sig = "getNativePointer(string)"
    got = view_call(chain, POINTERVIEW, data(sig, ["string"], ["usei"]), ["address", "uint16", "bool"])
    assert got == (to_checksum_evm(address).lower(), 1, True)
    none = view_call(chain, POINTERVIEW, data(sig, ["string"], ["ufoo"]), ["address", "uint16", "bool"])
    assert none == ("0x" + "00" * 20, 0, False)


def test_a_second_pointer_for_one_denom_is_refused(chain: Chain) -> None:
    usei_pointer(chain)
    res = add_native(chain, "usei", BOB)
    assert res.code != 0 and res.data == revert_data("native pointer for usei already exists")


def test_a_denom_without_metadata_is_refused(chain: Chain) -> None:
    res = add_native(chain, "ufoo")
    assert res.code != 0
    assert res.data == revert_data(
        "denom ufoo does not have metadata stored and thus can only have its pointer set through gov proposal")
    assert registry.get(chain.view, registry.Kind.NATIVE, "ufoo") is None


def test_cw721_pointers_are_refused_for_now(chain: Chain) -> None:
    res = send(chain, ALICE, POINTER, data("addCW721Pointer(string)", ["string"], ["sei1xyz"]))
    assert res.code != 0 and res.data == revert_data("CW721 pointers are not supported yet")


def test_cw20_pointers_need_the_wasm_module(chain: Chain) -> None:
    res = send(chain, ALICE, POINTER, data("addCW20Pointer(string)", ["string"], ["sei1xyz"]))
    assert res.code != 0 and res.data == revert_data("CW20 pointers need the wasm module")


def test_bank_send_is_refused_to_anyone_but_the_pointer(chain: Chain) -> None:
    usei_pointer(chain)
    payload = data("send(address,address,string,uint256)", ["address", "address", "string", "uint256"],
                   [to_checksum_evm(evm_of(BOB)), to_checksum_evm(evm_of(ALICE)), "usei", 5])
    res = send(chain, ALICE, BANK, payload)
    assert res.code != 0 and res.data == revert_data("only the pointer contract of usei may call send")


def test_erc20_metadata_and_balance_are_the_banks(chain: Chain) -> None:
    address = usei_pointer(chain)
    assert view_call(chain, address, data("name()", [], []), ["string"]) == ("SEI",)
    assert view_call(chain, address, data("symbol()", [], []), ["string"]) == ("SEI",)
    assert view_call(chain, address, data("decimals()", [], []), ["uint8"]) == (6,)
    assert view_call(chain, address, data("denom()", [], []), ["string"]) == ("usei",)
    assert view_call(chain, address, data("totalSupply()", [], []), ["uint256"]) == (bank.supply(chain.view, "usei"),)
    got = view_call(chain, address, data("balanceOf(address)", ["address"], [to_checksum_evm(evm_of(BOB))]),
                    ["uint256"])
    assert got == (bank.balance(chain.view, BOB.address),) and got[0] == FUNDS


def test_transfer_moves_native_usei_and_logs_transfer(chain: Chain) -> None:
    address = usei_pointer(chain)
    bob_before = bank.balance(chain.view, BOB.address)
    payload = data("transfer(address,uint256)", ["address", "uint256"], [to_checksum_evm(evm_of(BOB)), 1234])
    res = send(chain, ALICE, address, payload)
    assert res.code == 0, res.log
    assert bank.balance(chain.view, BOB.address) == bob_before + 1234
    (log,) = res.evm.logs
    assert log.address == address and log.topics[0] == TRANSFER
    assert log.topics[1][-20:] == evm_of(ALICE) and log.topics[2][-20:] == evm_of(BOB)
    assert decode(["uint256"], log.data) == (1234,)


def test_transfer_above_the_balance_reverts_with_the_bank_reason(chain: Chain) -> None:
    address = usei_pointer(chain)
    have = bank.balance(chain.view, BOB.address)
    payload = data("transfer(address,uint256)", ["address", "uint256"], [to_checksum_evm(evm_of(ALICE)), have + 1])
    res = send(chain, BOB, address, payload)
    assert res.code != 0
    assert decode(["string"], res.data[4:]) == (
        f"spendable balance {bank.balance(chain.view, BOB.address)}usei is smaller than {have + 1}usei: insufficient funds",)


def test_approve_and_transfer_from_spend_the_allowance(chain: Chain) -> None:
    address = usei_pointer(chain)
    alice, bob = to_checksum_evm(evm_of(ALICE)), to_checksum_evm(evm_of(BOB))
    res = send(chain, ALICE, address, data("approve(address,uint256)", ["address", "uint256"], [bob, 500]))
    assert res.code == 0, res.log
    assert res.evm.logs[0].topics[0] == APPROVAL
    bob_before = bank.balance(chain.view, BOB.address)
    payload = data("transferFrom(address,address,uint256)", ["address", "address", "uint256"], [alice, bob, 300])
    res = send(chain, BOB, address, payload)
    assert res.code == 0, res.log
    assert bank.balance(chain.view, BOB.address) == bob_before + 300 - (res.fee_wei + 10**12 - 1) // 10**12
    left = view_call(chain, address, data("allowance(address,address)", ["address", "address"], [alice, bob]),
                     ["uint256"])
    assert left == (200,)
    res = send(chain, BOB, address, payload)
    assert res.code != 0 and decode(["string"], res.data[4:]) == ("ERC20: insufficient allowance",)


def test_native_send_of_a_pointed_denom_carries_a_transfer_log_event(chain: Chain) -> None:
    address = usei_pointer(chain)
    msg = tx_pb2.MsgSend(from_address=ALICE.bech32, to_address=BOB.bech32,
                         amount=[coin_pb2.Coin(denom="usei", amount="77")])
    res = chain.tx(ALICE, msg)
    assert res.code == 0, res.log
    (log,) = logs_of(res.events)
    assert log.address == address and log.topics == (
        TRANSFER, evm_of(ALICE).rjust(32, b"\0"), evm_of(BOB).rjust(32, b"\0"))
    assert log.data == (77).to_bytes(32, "big")


def test_pointers_survive_a_genesis_export_and_import(chain: Chain) -> None:
    address = usei_pointer(chain)
    (evm_module,) = [m for m in chain.modules if m.name == "evm"]
    exported = evm_module.export_genesis(chain.view)
    assert exported["pointers"] == [
        {"kind": "native", "pointee": "usei", "address": "0x" + address.hex(), "version": 1}]
    fresh = DictView()
    evm_module.init_genesis(fresh, exported)
    assert registry.get(fresh, registry.Kind.NATIVE, "usei") == registry.Pointer(address, 1)
    assert registry.pointee_of(fresh, address) == (registry.Kind.NATIVE, "usei")


def test_genesis_refuses_two_pointers_for_one_pointee(chain: Chain) -> None:
    (evm_module,) = [m for m in chain.modules if m.name == "evm"]
    twice = [{"kind": "native", "pointee": "usei", "address": "0x" + f"{i:040x}", "version": 1} for i in (1, 2)]
    with pytest.raises(ValueError, match="evm genesis: native pointer for usei already exists"):
        evm_module.init_genesis(DictView(), {"pointers": twice})
