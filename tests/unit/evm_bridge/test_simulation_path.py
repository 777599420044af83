"""A simulation is the block's execution: for signed txs of every kind, ``call.simulate``
of the same message on the same state and block gives the same gas, status, output, logs
and fee as ``execute_tx``, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from eth_hash.auto import keccak

from evm_bridge.api import ACCESS_LIST_TX, DYNAMIC_FEE_TX, LEGACY_TX, SET_CODE_TX, EvmTx
from evm_bridge.call import Message, simulate
from evm_bridge.execute import execute_tx
from evm_bridge.signer import address_of, sign_authorization, sign_tx
from evm_bridge.txs import decode_tx
from evm_bridge.vm import execution_context
from store.overlay import Overlay
from tests.unit.evm_bridge.conftest import ALICE, BASE_FEE, BOB, CHAIN_ID, Chain, calldata

TO = bytes.fromhex("44" * 20)
FEE, TIP = 3 * BASE_FEE, BASE_FEE // 2
COUNTER = keccak(bytes([0xD6, 0x94]) + address_of(BOB) + b"\x80")[12:]
INC = calldata("increment()")
CASES: dict[str, dict[str, Any]] = {
    "call": dict(to=COUNTER, data=INC, gas=100_000),
    "revert": dict(to=COUNTER, data=calldata("incrementThenRevert()"), gas=100_000),
    "out_of_gas": dict(to=COUNTER, data=calldata("burnGas()"), gas=70_000),
    "create": dict(to=None, data=b"counter", gas=500_000),
    "transfer_with_calldata_floor": dict(to=TO, data=b"\x01" * 300, gas=100_000, value=7),
    "legacy": dict(to=COUNTER, data=INC, gas=100_000, tx_type=LEGACY_TX),
    "access_list": dict(to=COUNTER, data=INC, gas=100_000, tx_type=ACCESS_LIST_TX, access_list=((COUNTER, (0, 1)),)),
    "set_code": dict(to=address_of(ALICE), data=INC, gas=200_000, tx_type=SET_CODE_TX),
}


def _signed(name: str, counter_code: bytes) -> EvmTx:
    spec = dict(CASES[name])
    tx_type = spec.pop("tx_type", DYNAMIC_FEE_TX)
    if spec["data"] == b"counter":
        spec["data"] = counter_code
    if tx_type == SET_CODE_TX:  # self-sponsored: the authority's nonce is the tx's + 1
        spec["authorization_list"] = (sign_authorization(ALICE, chain_id=CHAIN_ID, address=COUNTER, nonce=2),)
    tip = FEE if tx_type in (LEGACY_TX, ACCESS_LIST_TX) else TIP
    raw = sign_tx(ALICE, chain_id=CHAIN_ID, nonce=1, max_fee_per_gas=FEE, max_priority_fee_per_gas=tip,
                  tx_type=tx_type, **spec)
    return decode_tx(raw, CHAIN_ID)


def _message(tx: EvmTx) -> Message:
    priced = tx.type in (LEGACY_TX, ACCESS_LIST_TX)
    return Message(
        sender=tx.sender, to=tx.to, gas=tx.gas, data=tx.data, value=tx.value,
        gas_price=tx.max_fee_per_gas if priced else None,
        max_fee_per_gas=None if priced else tx.max_fee_per_gas,
        max_priority_fee_per_gas=None if priced else tx.max_priority_fee_per_gas,
        access_list=tx.access_list, authorization_list=tx.authorization_list,
    )


@pytest.mark.parametrize("name", list(CASES))
def test_simulation_equals_execution(chain: Chain, counter_code: bytes, name: str) -> None:
    assert chain.send(BOB, None, data=counter_code, gas=500_000).evm.contract_address == COUNTER
    assert chain.send(BOB, COUNTER, data=INC).evm.status == 1
    assert chain.send(ALICE, TO, value=1).evm.status == 1  # Alice's first tx associates her
    tx = _signed(name, counter_code)
    before = {k: dict(v) for k, v in chain.view.writes().items()}
    simulated = simulate(chain.view, execution_context(chain.ctx), _message(tx), CHAIN_ID, chain.precompiles).result
    assert {k: dict(v) for k, v in chain.view.writes().items()} == before  # nothing written
    executed = execute_tx(tx, chain.ctx, Overlay(chain.view), chain.precompiles)
    assert executed.evm is not None and simulated.evm is not None
    assert executed.evm.status == (0 if name in ("revert", "out_of_gas") else 1)
    assert (simulated.gas_used, simulated.evm.status, simulated.evm.output, simulated.evm.logs, simulated.fee_wei) == (
        executed.gas_used, executed.evm.status, executed.evm.output, executed.evm.logs, executed.fee_wei)
