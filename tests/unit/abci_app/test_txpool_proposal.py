"""Block building by nonce and tip, and the ProcessProposal rules."""

from __future__ import annotations

from abci_app.application.txcodec import TxCodec
from abci_app.application.txpool.proposal import Limits, build_proposal, proposal_fault
from tests.support.chain import EVM_CHAIN_ID, cosmos_send, evm_transfer, make_keys, native_codec

KEYS = make_keys(3, seed="proposal")
TO = b"\x42" * 20
CODEC = TxCodec(EVM_CHAIN_ID, 1 << 20, {})
WIDE = Limits(max_bytes=1 << 20, max_gas=10**9, base_fee=0)


def raw(key: int, nonce: int, tip: int = 10**9, gas: int = 21_000) -> bytes:
    return evm_transfer(KEYS[key], TO, 1, nonce, tip=tip, gas=gas)


def build(raws: list[bytes], limits: Limits = WIDE, state: dict[int, int] | None = None, keep=None) -> list[bytes]:
    senders = {KEYS[i].evm: n for i, n in (state or {}).items()}
    return build_proposal(raws, CODEC.decode, keep or (lambda tx: True), lambda s: senders.get(s, 0), limits)


def test_each_senders_txs_go_in_nonce_order_and_a_gap_holds_the_rest():
    mempool = [raw(0, 2), raw(0, 0), raw(0, 4), raw(0, 1)]
    assert build(mempool) == [raw(0, 0), raw(0, 1), raw(0, 2)]
    assert build(mempool, state={0: 1}) == [raw(0, 1), raw(0, 2)]


def test_senders_go_by_effective_tip_and_ties_by_first_seen():
    mempool = [raw(0, 0, tip=1), raw(1, 0, tip=5), raw(2, 0, tip=1), raw(1, 1, tip=1), raw(2, 1, tip=9)]
    # sender 1 (tip 5) first; then heads tip 1 each: sender 0 seen first, then 1 (its
    # nonce 1), then 2 whose nonce 1 (tip 9) follows at once.
    assert build(mempool) == [raw(1, 0, tip=5), raw(0, 0, tip=1), raw(1, 1, tip=1), raw(2, 0, tip=1),
                              raw(2, 1, tip=9)]


def test_the_gas_limit_stops_a_sender_and_lets_others_fill():
    mempool = [raw(0, 0, gas=60_000, tip=9), raw(0, 1, gas=60_000, tip=9), raw(1, 0, gas=30_000, tip=1)]
    assert build(mempool, Limits(1 << 20, 100_000, 0)) == [mempool[0], mempool[2]]


def test_the_proposers_budget_holds_txs_for_the_next_block():
    mempool = [raw(0, 0, gas=60_000), raw(1, 0, gas=60_000), raw(2, 0, gas=21_000)]
    # 60k + 60k is past the 100k budget: sender 1 waits, sender 2's 21k still fits
    assert build(mempool, Limits(1 << 20, 10**9, 0, budget_gas=100_000)) == [mempool[0], mempool[2]]
    assert build(mempool, Limits(1 << 20, 10**9, 0, budget_gas=0)) == mempool


def test_a_tx_bigger_than_the_budget_gets_a_block_of_its_own():
    big, small = raw(0, 0, gas=150_000), raw(1, 0, gas=21_000)
    assert build([big, small], Limits(1 << 20, 200_000, 0, budget_gas=100_000)) == [big]
    # never past the block gas limit, budget or not
    assert build([big], Limits(1 << 20, 140_000, 0, budget_gas=100_000)) == []


def test_the_byte_limit_is_kept():
    mempool = [raw(0, n) for n in range(5)]
    limit = sum(len(r) for r in mempool[:3])
    assert build(mempool, Limits(limit, 10**9, 0)) == mempool[:3]


def test_a_replaced_tx_is_left_out():
    old, new = raw(0, 0, tip=10**9), raw(0, 0, tip=2 * 10**9)
    replaced = CODEC.decode(old).tx.hash
    assert build([old, new], keep=lambda tx: tx.hash != replaced) == [new]


def test_process_proposal_rules():
    assert proposal_fault([raw(0, 0), raw(1, 0), raw(0, 1)], CODEC.decode, 10**9) is None
    assert "nonce 0" in proposal_fault([raw(0, 1), raw(0, 0)], CODEC.decode, 10**9)
    assert "nonce 1" in proposal_fault([raw(0, 1), raw(0, 1, tip=7)], CODEC.decode, 10**9)
    assert "over the block gas limit 41999" in proposal_fault([raw(0, 0), raw(1, 0)], CODEC.decode, 41_999)
    assert "does not decode" in proposal_fault([raw(0, 0), b"\x02garbage"], CODEC.decode, 10**9)


def test_the_limit_on_gas_wanted_bounds_every_limit_and_the_gas_limit_the_ethereum_txs():
    codec = native_codec()
    natives = [cosmos_send(KEYS[1], KEYS[2].sei, 1, 1, s) for s in range(3)]  # 200k limit each
    evm = [raw(0, 0), raw(0, 1)]  # 21k each
    txs = natives + evm
    # 642k of limits, 42k of them Ethereum's
    assert proposal_fault(txs, codec.decode, 42_000, max_gas_wanted=642_000) is None
    assert proposal_fault(txs, codec.decode, 41_999, max_gas_wanted=10**9) == (
        "Ethereum txs' gas limits sum to 42000, over the block gas limit 41999")
    assert proposal_fault(txs, codec.decode, 42_000, max_gas_wanted=641_999) == (
        "txs' gas limits sum to 642000, over the block's limit on gas wanted 641999")
    # no limit on gas wanted: the gas limit bounds every limit
    assert proposal_fault(txs, codec.decode, 641_999) == (
        "txs' gas limits sum to 642000, over the block's limit on gas wanted 641999")


def test_the_proposers_tx_cap_holds_the_rest_for_the_next_block():
    mempool = [raw(0, 0), raw(1, 0), raw(0, 1), raw(2, 0)]
    assert build(mempool, Limits(1 << 20, 10**9, 0, budget_txs=2)) == [raw(0, 0), raw(0, 1)]
    assert build(mempool, Limits(1 << 20, 10**9, 0, budget_txs=0)) == [raw(0, 0), raw(0, 1), raw(1, 0), raw(2, 0)]
