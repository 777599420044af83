"""Set-code txs (type 4, EIP-7702) against raw py-evm's Prague on the same signed txs:
delegating, calling through the delegated address, sponsoring, clearing, skipped invalid
authorizations; and the rules on decoding and validity (blob txs refused)."""

from __future__ import annotations

from typing import Any

import pytest
from eth.constants import BLANK_ROOT_HASH
from eth.db.atomic import AtomicDB
from eth.vm.forks.prague.state import PragueState
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth_hash.auto import keccak

from evm_bridge.account_db import read_code, read_nonce, read_storage
from evm_bridge.api import ACCESS_LIST_TX, DELEGATION_PREFIX, SET_CODE_TX, EvmTxError
from evm_bridge.checks import check_tx
from evm_bridge.signer import address_of, sign_authorization, sign_tx
from evm_bridge.txs import decode_tx
from evm_bridge.vm import execution_context
from tests.unit.evm_bridge.conftest import ALICE, BASE_FEE, BOB, CHAIN_ID, START, Chain, calldata

TO = bytes.fromhex("33" * 20)
ZERO = bytes(20)


def _raw_state(chain: Chain) -> Any:
    state = PragueState(AtomicDB(), execution_context(chain.ctx), BLANK_ROOT_HASH)
    for key in (ALICE, BOB):
        state.set_balance(address_of(key), START)
    state.persist()
    return state


def _tx(key: bytes, nonce: int, to: bytes | None, data: bytes = b"", auths: tuple = (), tx_type: int = SET_CODE_TX,
        gas: int = 200_000) -> bytes:
    return sign_tx(key, chain_id=CHAIN_ID, nonce=nonce, gas=gas, to=to, data=data, max_fee_per_gas=3 * BASE_FEE,
                   max_priority_fee_per_gas=BASE_FEE // 3, tx_type=tx_type, authorization_list=auths)


def test_delegate_call_through_sponsor_and_clear_like_pyevm(chain: Chain, counter_code: bytes) -> None:
    raw_state = _raw_state(chain)
    alice, bob = address_of(ALICE), address_of(BOB)
    counter = keccak(bytes([0xD6, 0x94]) + alice + b"\x80")[12:]
    inc = calldata("increment()")
    plan = [
        # deploy the delegate
        _tx(ALICE, 0, None, counter_code, tx_type=2, gas=400_000),
        # self-sponsored: the authority's nonce is checked after the tx's own bump
        _tx(ALICE, 1, alice, inc, (sign_authorization(ALICE, chain_id=CHAIN_ID, address=counter, nonce=2),)),
        # an ordinary tx from the delegated account, through its own address
        _tx(ALICE, 3, alice, inc, tx_type=ACCESS_LIST_TX),
        # sponsored by Bob, one invalid entry (other chain: skipped) and a clear (zero address)
        _tx(BOB, 0, TO, b"", (sign_authorization(ALICE, chain_id=999, address=counter, nonce=4),
                              sign_authorization(ALICE, chain_id=0, address=ZERO, nonce=4))),
        # cleared: a plain call to Alice now runs no code
        _tx(BOB, 1, alice, inc, tx_type=2),
    ]
    expected_code = [b"", DELEGATION_PREFIX + counter, DELEGATION_PREFIX + counter, b"", b""]
    expected_count = [0, 1, 2, 2, 2]
    for step, raw in enumerate(plan):
        ours = chain.run(decode_tx(raw, CHAIN_ID))
        theirs = raw_state.apply_transaction(PragueTransactionBuilder.decode(raw))
        raw_state.lock_changes()
        assert ours.evm.status == 1 and theirs.is_success, (step, ours.log, theirs.error)
        for who in (alice, bob):
            assert chain.balance(who) == raw_state.get_balance(who), step
            assert read_nonce(chain.view, who) == raw_state.get_nonce(who), step
        assert read_code(chain.view, alice) == raw_state.get_code(alice) == expected_code[step], step
        assert read_storage(chain.view, alice, 0) == raw_state.get_storage(alice, 0) == expected_count[step], step
    assert read_nonce(chain.view, alice) == 5 and read_storage(chain.view, counter, 0) == 0


def test_gas_of_an_authorization(chain: Chain) -> None:
    alice = address_of(ALICE)
    auth = sign_authorization(BOB, chain_id=CHAIN_ID, address=TO, nonce=0)
    tx = decode_tx(_tx(ALICE, 0, alice, b"", (auth,), gas=100_000), CHAIN_ID)
    assert tx.intrinsic_gas == 21_000 + 25_000 and tx.authorization_list == (auth,)
    result = chain.run(tx)
    # Bob exists (funded): 12,500 comes back, capped at a fifth of the gas used
    assert result.evm.status == 1 and result.gas_used == 46_000 - 46_000 // 5
    assert read_code(chain.view, address_of(BOB)) == DELEGATION_PREFIX + TO


def test_rules(chain: Chain, counter_code: bytes) -> None:
    with pytest.raises(EvmTxError, match="To"):
        decode_tx(_tx(ALICE, 0, None, b"", (sign_authorization(BOB, chain_id=0, address=TO, nonce=0),)), CHAIN_ID)
    empty = decode_tx(_tx(ALICE, 0, TO, b"", ()), CHAIN_ID)
    result = chain.run(empty)
    assert result.code != 0 and result.log == "EIP-7702 transaction with empty auth list" and result.evm is None
    blob = bytes([3]) + _tx(ALICE, 0, TO)[1:]
    with pytest.raises(EvmTxError, match=r"^transaction type not supported: blob transactions \(type 3\)"):
        decode_tx(blob, CHAIN_ID)
    # a delegated account may still send (it is no contract): CheckTx accepts it
    chain.run(decode_tx(_tx(ALICE, 0, TO, b"", (sign_authorization(ALICE, chain_id=0, address=TO, nonce=1),)),
                        CHAIN_ID))
    assert read_code(chain.view, address_of(ALICE)) == DELEGATION_PREFIX + TO
    check_tx(decode_tx(_tx(ALICE, 2, TO, tx_type=2), CHAIN_ID), chain.view, chain.ctx)
