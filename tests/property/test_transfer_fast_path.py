"""The value-transfer fast path equals py-evm: on random states and random transfer txs, the
fast path (``execute.run``) and py-evm (``run(..., transfer_fast_path=False)``, the oracle)
give the same ``TxResult`` (receipt, events, fee included) and the same writes to the view.

States mix associated and unassociated senders (an unassociated sender's money split
between its EVM cast and its Sei address), balances from zero to just short of gas x fee
cap + value, and recipients of every kind: the sender itself, the 20 bytes of its own Sei
address, other senders, fresh, nonce-only and funded addresses, contracts, a delegated
account, an address with an explicit empty code hash, py-evm and chain precompiles, the
coinbase, an EVM address associated with another Sei address and that Sei address's cast.
Txs are legacy, access-list and dynamic-fee, with zero and non-zero values, fee caps
around the base fee, exact and wrong nonces, gas limits around 21,000, and sometimes data
or an access list (the fast path must decline those). Both forks the bridge runs (Prague,
the chain's; Cancun, the fixtures') are covered. Each example runs 1-3 txs in order.

Mutations of ``transfer.apply_transfer`` that must make this fail (checked): gas used one
more than 21,000; the nonce write dropped; the sender's balance left unwritten when only
a fee is paid.
"""

from __future__ import annotations

from typing import Any

from coincurve import PrivateKey
from eth_hash.auto import keccak
from hypothesis import event, given, settings
from hypothesis import strategies as st

from evm_bridge.account_db import EMPTY_CODE_HASH, STORE, read_nonce
from evm_bridge.api import DELEGATION_PREFIX
from evm_bridge.execute import Execution, run
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.signer import address_of, sign_tx
from evm_bridge.txs import decode_tx
from evm_bridge.vm import execution_context
from ledger import accounts, bank
from ledger.addresses import sei_address_from_pubkey
from ledger.context import BlockContext
from ledger.encoding import encode_uint
from store.overlay import EmptyView, Overlay

CHAIN_ID = 713714
KEYS = [bytes([0x51 + i]) * 32 for i in range(3)]
SENDERS = [address_of(k) for k in KEYS]
SEIS = [sei_address_from_pubkey(PrivateKey(k).public_key.format()) for k in KEYS]
COINBASE = bytes.fromhex("c0" * 20)
CONTRACT = bytes.fromhex("0c" * 20)
DELEGATED = bytes.fromhex("0d" * 20)
EMPTY_HASH = bytes.fromhex("0e" * 20)
FRESH = bytes.fromhex("0f" * 20)
NONCE_ONLY = bytes.fromhex("10" * 20)
FUNDED = bytes.fromhex("11" * 20)
LINKED_EVM = bytes.fromhex("12" * 20)  # associated with LINKED_SEI
LINKED_SEI = bytes.fromhex("13" * 20)
PRECOMPILES = [(1).to_bytes(20, "big"), (0x0A).to_bytes(20, "big"), (0x0B).to_bytes(20, "big"),
               (0x11).to_bytes(20, "big"), (0x12).to_bytes(20, "big"), (0x1001).to_bytes(20, "big")]
RECIPIENTS = [*SENDERS, *SEIS, COINBASE, CONTRACT, DELEGATED, EMPTY_HASH, FRESH, NONCE_ONLY, FUNDED,
              LINKED_EVM, LINKED_SEI, *PRECOMPILES]
#: Stores 1 to the first storage slot.
STORE_ONE = bytes.fromhex("600160005500")

BASE_FEES = (0, 1, 7, 10**9)


def _genesis(draw: Any) -> Overlay:
    """A random state: senders (associated or not), recipients of every kind."""
    view = Overlay(EmptyView())
    wei = st.one_of(st.just(0), st.integers(1, 10**12 + 7), st.integers(0, 10**20))
    for evm, sei in zip(SENDERS, SEIS, strict=True):
        if draw(st.booleans()):
            accounts.associate(view, sei, evm)
        else:
            bank.set_wei_balance(view, evm, draw(wei))  # held by the cast until the first tx
        bank.set_wei_balance(view, sei, draw(wei))
        nonce = draw(st.integers(0, 2))
        if nonce:
            view.set(STORE, b"n" + evm, encode_uint(nonce))
    for addr in (COINBASE, CONTRACT, DELEGATED, NONCE_ONLY, FUNDED, LINKED_SEI, *PRECOMPILES):
        bank.set_wei_balance(view, addr, draw(wei))
    bank.set_wei_balance(view, FUNDED, draw(st.integers(1, 10**20)))
    accounts.associate(view, LINKED_SEI, LINKED_EVM)
    view.set(STORE, b"n" + NONCE_ONLY, encode_uint(1))
    for addr, code in ((CONTRACT, STORE_ONE), (DELEGATED, DELEGATION_PREFIX + CONTRACT)):
        view.set(STORE, b"c" + addr, keccak(code))
        view.set(STORE, b"k" + keccak(code), code)
        view.set(STORE, b"n" + addr, encode_uint(1))
    view.set(STORE, b"c" + EMPTY_HASH, EMPTY_CODE_HASH)
    return view


def _fund_exactly(draw: Any, views: tuple[Overlay, Overlay], i: int, total: int) -> None:
    """Give sender ``i`` exactly ``total`` wei as execution counts it (before its link, split
    between its EVM cast and its Sei address)."""
    linked = accounts.associated_sei(views[0], SENDERS[i]) is not None
    cast = 0 if linked else draw(st.integers(0, total))
    for view in views:
        if not linked:
            bank.set_wei_balance(view, SENDERS[i], cast)
        bank.set_wei_balance(view, SEIS[i], total - cast)


def _tx(draw: Any, views: tuple[Overlay, Overlay], base_fee: int) -> bytes:
    """A random transfer by a random sender, now and then exactly (un)affordable."""
    i = draw(st.integers(0, len(KEYS) - 1))
    tx_type = draw(st.sampled_from((0, 1, 2)))
    max_fee = max(0, base_fee + draw(st.sampled_from((-1, 0, 0, 1, 1, 10**9, 10**9))))
    tip = draw(st.one_of(st.integers(0, max_fee + 1), st.just(max_fee))) if tx_type == 2 else max_fee
    to = draw(st.sampled_from(RECIPIENTS))
    data = draw(st.sampled_from((b"",) * 6 + (b"\x00", b"\x01\x02")))
    access = ((to, ()),) if tx_type and draw(st.integers(0, 7)) == 0 else ()
    gas = draw(st.sampled_from((21_000,) * 5 + (20_999, 21_001, 50_000))) + (30_000 if data or access else 0)
    nonce = max(0, read_nonce(views[0], SENDERS[i]) + (draw(st.integers(0, 15)) in (14, 15)) * draw(st.sampled_from((1, -1))))
    value = draw(st.one_of(st.just(0), st.integers(1, 10**12 + 1), st.integers(0, 10**19)))
    funding = draw(st.sampled_from(("as is", "ample", "ample", "tight")))
    if funding != "as is":  # plenty, or just enough for gas x fee cap + value, or one wei short
        extra = 10**20 if funding == "ample" else draw(st.sampled_from((-1, 0, 1)))
        _fund_exactly(draw, views, i, max(0, gas * max_fee + value + extra))
    return sign_tx(KEYS[i], chain_id=CHAIN_ID, nonce=nonce, gas=gas, to=to, value=value, data=data,
                   max_fee_per_gas=max_fee, max_priority_fee_per_gas=tip, access_list=access, tx_type=tx_type)


def _kind(fast: Execution, to: bytes | None, sender: bytes) -> str:
    if fast.result.evm is None:
        return "invalid"
    if fast.computation is not None:
        return "py-evm"
    names = {COINBASE: "coinbase", FRESH: "fresh", NONCE_ONLY: "nonce-only", FUNDED: "funded",
             EMPTY_HASH: "empty code hash", LINKED_EVM: "associated", LINKED_SEI: "Sei cast"}
    if to == sender:
        return "fast path to self"
    if to in SEIS:
        return "fast path to own Sei address (!)" if SEIS.index(to) == SENDERS.index(sender) else "fast path to Sei address"
    kind = "sender" if to in SENDERS else names.get(to or b"", "an address the fork has no precompile at")
    return f"fast path to {kind}"


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_fast_path_equals_py_evm(data: st.DataObject) -> None:
    draw = data.draw
    genesis = _genesis(draw)
    fork = draw(st.sampled_from(("Prague", "Prague", "Cancun")))
    base_fee = draw(st.sampled_from(BASE_FEES))
    ctx = BlockContext(height=5, time_ns=0, chain_id="p", evm_chain_id=CHAIN_ID, proposer=COINBASE,
                       block_hash=b"\x07" * 32, gas_limit=30_000_000, base_fee_wei=base_fee)
    context, precompiles = execution_context(ctx), precompile_table()
    views = (Overlay(genesis), Overlay(genesis))
    for _ in range(draw(st.integers(1, 3))):
        tx = decode_tx(_tx(draw, views, base_fee), CHAIN_ID)
        fast = run(tx, views[0], context, precompiles, fork)
        oracle = run(tx, views[1], context, precompiles, fork, transfer_fast_path=False)
        event(f"{fork}: {_kind(fast, tx.to, tx.sender)}")
        assert fast.result == oracle.result
        assert views[0].writes() == views[1].writes()
        assert views[0].changeset() == views[1].changeset()
