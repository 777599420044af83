"""The value-transfer fast path (``evm_bridge.transfer``): which txs take it, which fall back
to py-evm, and that both give the same result and writes (the random oracle is
``tests/property/test_transfer_fast_path.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from coincurve import PrivateKey
from eth_hash.auto import keccak

from evm_bridge.account_db import STORE
from evm_bridge.api import DELEGATION_PREFIX, LEGACY_TX
from evm_bridge.execute import Execution, run
from evm_bridge.signer import address_of, sign_tx
from evm_bridge.txs import decode_tx
from evm_bridge.vm import execution_context
from ledger import accounts, bank
from ledger.addresses import sei_address_from_pubkey
from store.overlay import Overlay
from tests.unit.evm_bridge.conftest import ALICE, BASE_FEE, CHAIN_ID, START, Chain

CAROL = bytes.fromhex("cc" * 20)
CONTRACT = bytes.fromhex("dd" * 20)
DELEGATED = bytes.fromhex("de" * 20)


def _both(chain: Chain, to: bytes, fork: str = "Prague", **kw: Any) -> tuple[Execution, Execution]:
    """(the default path, py-evm) for the same tx on copies of the chain's state."""
    raw = sign_tx(ALICE, chain_id=CHAIN_ID, nonce=0, gas=kw.pop("gas", 60_000), to=to,
                  max_fee_per_gas=2 * BASE_FEE, max_priority_fee_per_gas=BASE_FEE // 2, **kw)
    tx, context = decode_tx(raw, CHAIN_ID), execution_context(chain.ctx)
    fast_view, slow_view = Overlay(chain.view), Overlay(chain.view)
    fast = run(tx, fast_view, context, chain.precompiles, fork)
    slow = run(tx, slow_view, context, chain.precompiles, fork, transfer_fast_path=False)
    assert fast.result == slow.result
    assert fast_view.changeset() == slow_view.changeset()
    return fast, slow


def _install(chain: Chain, addr: bytes, code: bytes) -> None:
    chain.view.set(STORE, b"c" + addr, keccak(code))
    chain.view.set(STORE, b"k" + keccak(code), code)


@pytest.mark.parametrize("fork", ["Prague", "Cancun"])
@pytest.mark.parametrize("value", [0, 1, 10**18 + 7])
def test_plain_transfers_take_the_fast_path(chain: Chain, fork: str, value: int) -> None:
    for to in (CAROL, address_of(ALICE), chain.ctx.proposer):
        fast, slow = _both(chain, to, fork, value=value, gas=21_000)
        assert fast.computation is None and slow.computation is not None
        assert fast.result.ok and fast.result.gas_used == 21_000


def test_legacy_transfer_takes_the_fast_path(chain: Chain) -> None:
    fast, _ = _both(chain, CAROL, value=5, tx_type=LEGACY_TX)
    assert fast.computation is None and fast.result.fee_wei == 21_000 * 2 * BASE_FEE


def test_everything_else_runs_on_py_evm(chain: Chain) -> None:
    _install(chain, CONTRACT, bytes.fromhex("600160005500"))
    _install(chain, DELEGATED, DELEGATION_PREFIX + CONTRACT)
    for to, kw in [
        (CONTRACT, {"value": 1}),
        (DELEGATED, {"value": 1}),
        ((1).to_bytes(20, "big"), {"value": 1}),  # ecrecover, py-evm's
        ((0x0B).to_bytes(20, "big"), {}),  # a BLS precompile since Prague
        ((0x1001).to_bytes(20, "big"), {}),  # the chain's bank precompile
        (CAROL, {"data": b"\x00"}),
        (CAROL, {"access_list": ((CAROL, ()),)}),
    ]:
        fast, _ = _both(chain, to, **kw)
        assert fast.computation is not None, to.hex()


def test_simulations_and_traces_run_on_py_evm(chain: Chain) -> None:
    raw = sign_tx(ALICE, chain_id=CHAIN_ID, nonce=0, gas=21_000, to=CAROL, value=1, max_fee_per_gas=2 * BASE_FEE)
    tx, context = decode_tx(raw, CHAIN_ID), execution_context(chain.ctx)
    assert run(tx, Overlay(chain.view), context, chain.precompiles, simulation=True).computation is not None
    traced = run(tx, Overlay(chain.view), context, chain.precompiles, instrument=lambda cls: cls)
    assert traced.computation is not None


def _alice_linked(chain: Chain) -> bytes:
    sei = sei_address_from_pubkey(PrivateKey(ALICE).public_key.format())
    accounts.associate(chain.view, sei, address_of(ALICE))
    bank.set_wei_balance(chain.view, address_of(ALICE), 0)
    bank.set_wei_balance(chain.view, sei, START)
    return sei


def test_send_to_own_sei_address_falls_back(chain: Chain) -> None:
    """The sender's Sei address read as an EVM address holds the sender's own balance
    under a second EVM address; the fast path leaves that to py-evm."""
    sei = _alice_linked(chain)
    fast, _ = _both(chain, sei, value=10**17, gas=21_000)
    assert fast.computation is not None


def test_send_to_own_sei_address_conserves_wei(chain: Chain) -> None:
    sei = _alice_linked(chain)
    view = Overlay(chain.view)
    raw = sign_tx(ALICE, chain_id=CHAIN_ID, nonce=0, gas=21_000, to=sei, value=10**17,
                  max_fee_per_gas=2 * BASE_FEE, max_priority_fee_per_gas=BASE_FEE // 2)
    result = run(decode_tx(raw, CHAIN_ID), view, execution_context(chain.ctx), chain.precompiles).result
    assert bank.wei_balance(view, sei) == START - result.fee_wei
