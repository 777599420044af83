"""Property: EVM value transfers never create or lose a wei (balances + fees are constant),
remainders stay below 1 usei, and nonces count exactly the executed txs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from evm_bridge.account_db import read_balance, read_nonce
from evm_bridge.execute import execute_tx
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.signer import address_of, sign_tx
from evm_bridge.txs import decode_tx
from ledger import bank
from ledger.context import BlockContext
from ledger.encoding import decode_uint
from store.overlay import EmptyView, Overlay

CHAIN_ID = 713714
KEYS = [bytes([i + 1]) * 32 for i in range(3)]
OTHERS = [bytes.fromhex("0e" * 20), bytes.fromhex("0f" * 20)]
CTX = BlockContext(height=3, time_ns=0, chain_id="p", evm_chain_id=CHAIN_ID, proposer=b"\x01" * 20,
                   block_hash=b"\x00" * 32, gas_limit=30_000_000, base_fee_wei=7)

transfer = st.tuples(
    st.integers(0, len(KEYS) - 1),
    st.integers(0, len(KEYS) + len(OTHERS) - 1),
    st.one_of(st.integers(0, 10**13), st.integers(0, 3 * 10**18)),
    st.integers(7, 10**6),  # max fee per gas
)


@settings(max_examples=40, deadline=None)
@given(st.lists(transfer, min_size=1, max_size=12), st.lists(st.integers(0, 10**18), min_size=3, max_size=3))
def test_transfers_conserve_wei(txs: list[tuple[int, int, int, int]], funds: list[int]) -> None:
    view = Overlay(EmptyView())
    senders = [address_of(k) for k in KEYS]
    everyone = senders + OTHERS
    for addr, wei in zip(senders, funds, strict=True):
        bank.set_wei_balance(view, addr, wei)
    before = sum(read_balance(view, a) for a in everyone)
    fees, executed = 0, dict.fromkeys(senders, 0)
    precompiles = precompile_table()
    for i, to, value, fee in txs:
        sender = senders[i]
        raw = sign_tx(KEYS[i], chain_id=CHAIN_ID, nonce=executed[sender], gas=21_000, to=everyone[to],
                      value=value, max_fee_per_gas=fee, max_priority_fee_per_gas=fee // 2)
        result = execute_tx(decode_tx(raw, CHAIN_ID), CTX, view, precompiles)
        if result.evm is not None:
            executed[sender] += 1
            fees += result.fee_wei
        else:
            assert result.fee_wei == 0
    assert sum(read_balance(view, a) for a in everyone) + fees == before
    for addr in senders:
        assert read_nonce(view, addr) == executed[addr]
    for key, value in view.writes().get("bank", {}).items():
        if key[:1] == b"w" and value is not None:
            assert 0 < decode_uint(value) < 10**12
