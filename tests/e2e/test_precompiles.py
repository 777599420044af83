"""A Solidity contract compiled from source (solc from npm) that imports the published
precompile interfaces: delegates with msg.value, reads the bank balance, round-trips
addresses, extracts JSON, and sees STATICCALL/DELEGATECALL to ``delegate`` fail. Executed
by the EVM module on a staking chain in process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from eth_abi import decode, encode
from eth_account import Account
from eth_utils import function_signature_to_4byte_selector as selector

from abci_app.modules.staking import state
from evm_bridge.account_db import read_nonce
from evm_bridge.call import call
from evm_bridge.execute import execute_tx
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.txs import decode_tx
from ledger import bank
from ledger.addresses import evm_address_from_pubkey, to_checksum_evm
from tests.support.solc import compile_contract
from tests.unit.staking.conftest import ALICE, VAL, Chain

INTERFACES = Path(__file__).resolve().parents[2] / "evm_bridge" / "precompiles"
SOURCE = """// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

import "./Staking.sol";
import "./Bank.sol";
import "./Addr.sol";
import "./Json.sol";

contract PrecompileUser {
    function stake(string calldata val) external payable returns (bool) {
        return STAKING_CONTRACT.delegate{value: msg.value}(val);
    }
    function balanceOf(address a) external view returns (uint256) { return BANK_CONTRACT.balance(a, "usei"); }
    function seiOf(address a) external view returns (string memory) { return ADDR_CONTRACT.getSeiAddr(a); }
    function evmOf(string calldata s) external view returns (address) { return ADDR_CONTRACT.getEvmAddr(s); }
    function extract(bytes calldata blob, string calldata key) external view returns (uint256) {
        return JSON_CONTRACT.extractAsUint256(blob, key);
    }
    function staticDelegate(string calldata val) external view returns (bool ok) {
        (ok, ) = STAKING_PRECOMPILE_ADDRESS.staticcall(abi.encodeWithSignature("delegate(string)", val));
    }
    function delegateCallDelegate(string calldata val) external returns (bool ok) {
        (ok, ) = STAKING_PRECOMPILE_ADDRESS.delegatecall(abi.encodeWithSignature("delegate(string)", val));
    }
}
"""
WEI = 10**12


def _flatten(source: str) -> str:
    """Inline ``import "./X.sol";`` with the published interface files (compile_contract
    takes one source)."""
    def body(m: re.Match[str]) -> str:
        text = (INTERFACES / m.group(1)).read_text()
        return "\n".join(line for line in text.splitlines() if not line.startswith(("// SPDX", "pragma")))
    return re.sub(r'import "\./([A-Za-z]+\.sol)";', body, source)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> tuple[list, bytes]:
    path = tmp_path_factory.mktemp("sol") / "PrecompileUser.sol"
    path.write_text(_flatten(SOURCE))
    return compile_contract(path, "PrecompileUser")


def _send(chain: Chain, to: bytes | None, data: bytes, value: int = 0):
    evm = evm_address_from_pubkey(ALICE.pubkey)
    tx = {"type": 2, "chainId": 713714, "nonce": read_nonce(chain.view, evm), "gas": 3_000_000,
          "maxFeePerGas": 10**9, "maxPriorityFeePerGas": 0, "value": value, "data": data}
    if to is not None:
        tx["to"] = to_checksum_evm(to)
    raw = bytes(Account.sign_transaction(tx, ALICE.priv).raw_transaction)
    return execute_tx(decode_tx(raw, 713714), chain.ctx, chain.view, chain.precompiles)


def _abi(sig: str, types: list[str], args: list) -> bytes:

    return selector(sig) + encode(types, args)


@pytest.fixture
def deployed(compiled) -> tuple[Chain, bytes]:
    chain = Chain()
    chain.precompiles = precompile_table(m.precompiles for m in chain.modules)  # type: ignore[attr-defined]
    res = _send(chain, None, compiled[1])
    assert res.code == 0, res.log
    return chain, res.evm.contract_address


def test_contract_delegates_with_msg_value(deployed) -> None:
    chain, contract = deployed
    res = _send(chain, contract, _abi("stake(string)", ["string"], [VAL.valoper]), value=2 * 10**6 * WEI)
    assert res.code == 0, res.log
    # the delegator is the contract's own Sei address (direct cast of an unassociated address)
    assert state.shares(chain.view, contract, VAL.address) == 2 * 10**6 * 10**18
    bad = _send(chain, contract, _abi("stake(string)", ["string"], [VAL.valoper]), value=WEI // 2)
    assert bad.code != 0 and b"not a whole number of usei" in bad.data


def test_contract_reads_bank_addr_and_json(deployed) -> None:
    chain, contract = deployed
    evm = evm_address_from_pubkey(ALICE.pubkey)
    out = call(chain.view, chain.ctx, chain.precompiles, evm, contract, _abi("balanceOf(address)", ["address"], [to_checksum_evm(evm)]))
    assert decode(["uint256"], out.output) == (bank.balance(chain.view, ALICE.address),)
    out = call(chain.view, chain.ctx, chain.precompiles, evm, contract, _abi("seiOf(address)", ["address"], [to_checksum_evm(evm)]))
    assert decode(["string"], out.output) == (ALICE.bech32,)
    out = call(chain.view, chain.ctx, chain.precompiles, evm, contract, _abi("evmOf(string)", ["string"], [ALICE.bech32]))
    assert decode(["address"], out.output)[0].lower() == "0x" + evm.hex()
    out = call(chain.view, chain.ctx, chain.precompiles, evm, contract, _abi("seiOf(address)", ["address"], ["0x" + "77" * 20]))
    assert not out.success and b"is not associated" in out.output
    out = call(chain.view, chain.ctx, chain.precompiles, evm, contract,
               _abi("extract(bytes,string)", ["bytes", "string"], [b'{"amount":"12345"}', "amount"]))
    assert decode(["uint256"], out.output) == (12345,)


def test_static_and_delegate_calls_to_delegate_fail(deployed) -> None:
    chain, contract = deployed
    evm = evm_address_from_pubkey(ALICE.pubkey)
    out = call(chain.view, chain.ctx, chain.precompiles, evm, contract, _abi("staticDelegate(string)", ["string"], [VAL.valoper]))
    assert out.success and decode(["bool"], out.output) == (False,)
    res = _send(chain, contract, _abi("delegateCallDelegate(string)", ["string"], [VAL.valoper]))
    assert res.code == 0 and decode(["bool"], res.data) == (False,)
    assert state.shares(chain.view, contract, VAL.address) == 0
