"""evm_bridge against raw py-evm (its own trie state, Prague rules) on the same signed txs:
same sender balance (so same gas used and fee), nonce, contract storage and success."""

from __future__ import annotations

from typing import Any

import pytest
from eth.constants import BLANK_ROOT_HASH
from eth.db.atomic import AtomicDB
from eth.vm.forks.prague.state import PragueState
from eth.vm.forks.prague.transactions import PragueTransactionBuilder
from eth_hash.auto import keccak

from evm_bridge.account_db import read_nonce, read_storage
from evm_bridge.api import ACCESS_LIST_TX, DYNAMIC_FEE_TX, LEGACY_TX
from evm_bridge.signer import address_of, sign_tx
from evm_bridge.txs import decode_tx
from evm_bridge.vm import execution_context
from tests.unit.evm_bridge.conftest import ALICE, BASE_FEE, CHAIN_ID, START, Chain, calldata

TO = bytes.fromhex("33" * 20)


def _raw_state(chain: Chain) -> Any:
    state = PragueState(AtomicDB(), execution_context(chain.ctx), BLANK_ROOT_HASH)
    state.set_balance(address_of(ALICE), START)
    state.persist()
    return state


@pytest.mark.parametrize("tx_type", [LEGACY_TX, ACCESS_LIST_TX, DYNAMIC_FEE_TX])
def test_same_outcome_as_raw_pyevm(chain: Chain, counter_code: bytes, tx_type: int) -> None:
    raw_state = _raw_state(chain)
    alice = address_of(ALICE)
    contract = keccak(bytes([0xD6, 0x94]) + alice + b"\x80")[12:]
    plan = [
        (None, 0, counter_code, 400_000),  # deploy
        (contract, 0, calldata("increment()"), 100_000),
        (contract, 0, calldata("incrementThenRevert()"), 100_000),
        (contract, 0, calldata("burnGas()"), 60_000),  # out of gas
        (TO, 10**12 + 3, b"\x01" * 600 + b"\x00" * 100, 100_000),  # calldata floor (EIP-7623) applies
        (TO, 5, b"", 30_000),
    ]
    for nonce, (to, value, data, gas) in enumerate(plan):
        access = ((contract, (0, 1)),) if tx_type != LEGACY_TX else ()
        raw = sign_tx(ALICE, chain_id=CHAIN_ID, nonce=nonce, gas=gas, to=to, value=value, data=data,
                      max_fee_per_gas=3 * BASE_FEE, max_priority_fee_per_gas=BASE_FEE // 3, access_list=access,
                      tx_type=tx_type)
        ours = chain.run(decode_tx(raw, CHAIN_ID))
        theirs = raw_state.apply_transaction(PragueTransactionBuilder.decode(raw))
        raw_state.lock_changes()
        assert (ours.evm.status == 1) == theirs.is_success, (nonce, ours.log, theirs.error)
        assert chain.balance(alice) == raw_state.get_balance(alice), nonce
        assert chain.balance(TO) == raw_state.get_balance(TO)
        assert read_nonce(chain.view, alice) == raw_state.get_nonce(alice)
        assert read_storage(chain.view, contract, 0) == raw_state.get_storage(contract, 0)
        assert tuple(lg.data for lg in ours.evm.logs) == tuple(d for _, _, d in theirs.get_log_entries())
