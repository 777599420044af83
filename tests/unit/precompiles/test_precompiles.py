"""The precompiles through real EVM txs and eth_call on a staking chain: ABI, values, events,
reverts with reasons, and the STATICCALL/DELEGATECALL guard."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from eth.exceptions import Revert
from eth_abi import decode, encode
from eth_account import Account
from eth_hash.auto import keccak

from abci_app.modules.staking import state
from evm_bridge.account_db import read_nonce
from evm_bridge.call import call
from evm_bridge.execute import execute_tx
from evm_bridge.precompiles.addr import ADDRESS as ADDR
from evm_bridge.precompiles.bank import ADDRESS as BANK
from evm_bridge.precompiles.base import revert_data
from evm_bridge.precompiles.json import ADDRESS as JSON
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.precompiles.staking import ADDRESS as STAKING
from evm_bridge.precompiles.staking import DELEGATE_TOPIC
from evm_bridge.txs import decode_tx
from ledger import bank
from ledger.addresses import evm_address_from_pubkey, to_bech32, to_checksum_evm
from tests.unit.staking.conftest import ALICE, VAL, Chain

WEI = 10**12


def selector(sig: str) -> bytes:
    return keccak(sig.encode())[:4]


def calldata(sig: str, types: list[str], args: list) -> bytes:
    return selector(sig) + encode(types, args)


@pytest.fixture
def chain() -> Chain:
    c = Chain()
    c.precompiles = precompile_table(m.precompiles for m in c.modules)  # type: ignore[attr-defined]
    return c


def send(chain: Chain, to: bytes, data: bytes, value: int = 0, nonce: int | None = None):
    evm = evm_address_from_pubkey(ALICE.pubkey)
    tx = {"type": 2, "chainId": 713714, "nonce": read_nonce(chain.view, evm) if nonce is None else nonce,
          "gas": 500_000, "maxFeePerGas": 10**9, "maxPriorityFeePerGas": 0, "to": to_checksum_evm(to),
          "value": value, "data": data}
    raw = bytes(Account.sign_transaction(tx, ALICE.priv).raw_transaction)
    return execute_tx(decode_tx(raw, 713714), chain.ctx, chain.view, chain.precompiles)


def test_delegate_with_msg_value_records_the_delegation_and_logs(chain: Chain) -> None:
    before = chain.balance(ALICE)
    res = send(chain, STAKING, calldata("delegate(string)", ["string"], [VAL.valoper]), value=3 * 10**6 * WEI)
    assert res.code == 0, res.log
    assert decode(["bool"], res.data) == (True,)
    assert state.shares(chain.view, ALICE.address, VAL.address) == 3 * 10**6 * 10**18
    assert chain.balance(ALICE) == before - 3 * 10**6 - res.fee_wei // WEI - (1 if res.fee_wei % WEI else 0)
    (log,) = res.evm.logs
    assert log.address == STAKING and int.from_bytes(log.topics[0], "big") == DELEGATE_TOPIC
    assert decode(["string", "uint256"], log.data) == (VAL.valoper, 3 * 10**6)


def test_delegate_rejects_fractional_usei_and_changes_nothing(chain: Chain) -> None:
    staking_before = chain.view.snapshot().get("staking")
    res = send(chain, STAKING, calldata("delegate(string)", ["string"], [VAL.valoper]), value=WEI + 1)
    assert res.code != 0
    assert res.data == revert_data(
        f"delegation amount {WEI + 1} wei is not a whole number of usei (10^12 wei)"
    )
    assert chain.view.snapshot().get("staking") == staking_before


def test_delegate_to_unknown_validator_reverts_with_the_reason(chain: Chain) -> None:
    bad = to_bech32(b"\x99" * 20, "seivaloper")
    res = send(chain, STAKING, calldata("delegate(string)", ["string"], [bad]), value=WEI)
    assert res.code != 0 and res.data == revert_data("validator does not exist")


def test_undelegate_and_delegation_view(chain: Chain) -> None:
    send(chain, STAKING, calldata("delegate(string)", ["string"], [VAL.valoper]), value=5 * WEI)
    res = send(chain, STAKING, calldata("undelegate(string,uint256)", ["string", "uint256"], [VAL.valoper, 2]))
    assert res.code == 0, res.log
    evm = evm_address_from_pubkey(ALICE.pubkey)
    out = call(chain.view, chain.ctx, chain.precompiles, evm, STAKING,
               calldata("delegation(address,string)", ["address", "string"], [to_checksum_evm(evm), VAL.valoper]))
    assert out.success, out.error
    ((balance, denom), (delegator, shares, decimals, val)) = decode(
        ["((uint256,string),(string,uint256,uint256,string))"], out.output)[0]
    assert (balance, denom, delegator, shares, decimals, val) == (3, "usei", ALICE.bech32, 3 * 10**18, 18, VAL.valoper)
    too_much = send(chain, STAKING, calldata("undelegate(string,uint256)", ["string", "uint256"], [VAL.valoper, 4]))
    assert too_much.code != 0 and b"more than the delegation" in too_much.data


def test_bank_balance_equals_the_native_balance(chain: Chain) -> None:
    evm = evm_address_from_pubkey(ALICE.pubkey)
    send(chain, BANK, calldata("balance(address,string)", ["address", "string"], [to_checksum_evm(evm), "usei"]))
    out = call(chain.view, chain.ctx, chain.precompiles, evm, BANK,
               calldata("balance(address,string)", ["address", "string"], [to_checksum_evm(evm), "usei"]))
    assert decode(["uint256"], out.output) == (bank.balance(chain.view, ALICE.address),)


def test_addr_round_trip_and_unassociated_revert(chain: Chain) -> None:
    evm = evm_address_from_pubkey(ALICE.pubkey)
    send(chain, BANK, calldata("supply(string)", ["string"], ["usei"]))  # first tx associates Alice
    out = call(chain.view, chain.ctx, chain.precompiles, evm, ADDR, calldata("getSeiAddr(address)", ["address"], [to_checksum_evm(evm)]))
    assert decode(["string"], out.output) == (ALICE.bech32,)
    out = call(chain.view, chain.ctx, chain.precompiles, evm, ADDR, calldata("getEvmAddr(string)", ["string"], [ALICE.bech32]))
    assert decode(["address"], out.output)[0].lower() == "0x" + evm.hex()
    out = call(chain.view, chain.ctx, chain.precompiles, evm, ADDR, calldata("getSeiAddr(address)", ["address"], ["0x" + "77" * 20]))
    assert not out.success and out.output == revert_data("address 0x" + "77" * 20 + " is not associated")


def test_json_extraction(chain: Chain) -> None:
    blob = b'{"name":"sei","n":42,"list":["a",1]}'
    out = call(chain.view, chain.ctx, chain.precompiles, None, JSON, calldata("extractAsUint256(bytes,string)", ["bytes", "string"], [blob, "n"]))
    assert decode(["uint256"], out.output) == (42,)
    out = call(chain.view, chain.ctx, chain.precompiles, None, JSON, calldata("extractAsBytes(bytes,string)", ["bytes", "string"], [blob, "name"]))
    assert decode(["bytes"], out.output) == (b"sei",)
    out = call(chain.view, chain.ctx, chain.precompiles, None, JSON, calldata("extractAsBytesList(bytes,string)", ["bytes", "string"], [blob, "list"]))
    assert decode(["bytes[]"], out.output) == ((b"a", b"1"),)
    out = call(chain.view, chain.ctx, chain.precompiles, None, JSON, calldata("extractAsBytes(bytes,string)", ["bytes", "string"], [blob, "x"]))
    assert not out.success and out.output == revert_data("input does not contain key x")


def _fake(data: bytes, *, static: bool = False, delegated: bool = False, value: int = 0) -> SimpleNamespace:
    msg = SimpleNamespace(data_as_bytes=data, is_static=static, code_address=STAKING,
                          storage_address=b"\x01" * 20 if delegated else STAKING, value=value, sender=b"\x02" * 20)
    return SimpleNamespace(msg=msg, consume_gas=lambda amount, reason: None, output=b"")


@pytest.mark.parametrize("kind", ["static", "delegated"])
def test_state_changing_methods_revert_under_staticcall_and_delegatecall(chain: Chain, kind: str) -> None:
    impl = chain.precompiles[STAKING]
    comp = _fake(calldata("delegate(string)", ["string"], [VAL.valoper]), static=kind == "static",
                 delegated=kind == "delegated")
    with pytest.raises(Revert):
        impl(comp)
    want = "static call" if kind == "static" else "delegatecall"
    assert want in decode(["string"], comp.output[4:])[0]
