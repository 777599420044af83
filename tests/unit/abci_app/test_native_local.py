"""This node's local native txs (``txpool/native_local.py``): admitted by CheckTx's rules,
proposed first in admission order, dropped once included, replayed on the check state
after each commit (and dropped when they no longer pass)."""

from __future__ import annotations

import hashlib
import threading

import pytest

from abci_app.application.txpool.native_local import ALREADY_KNOWN, LocalRefusal, NativeLocalPool
from abci_app.application.txpool.proposal import Limits, build_proposal
from ledger import codes
from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import (
    GENESIS_SECONDS,
    cosmos_send,
    evm_transfer,
    make_keys,
    native_codec,
    started_chain,
)

KEYS = make_keys(3, seed="native-local")
GAS = 200_000  # each native tx's limit (tests.support.chain.cosmos_send)


def sha(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()


def send(key: int, seq: int, amount: int = 1) -> bytes:
    return cosmos_send(KEYS[key], KEYS[2].sei, amount, key, seq)


def test_the_pool_refuses_a_tx_it_holds_and_any_once_full_and_keeps_order():
    pool = NativeLocalPool(max_txs=2)
    a, b = send(0, 0), send(0, 1)
    pool.add(sha(a), a, 50_000)
    assert pool.refusal(sha(a)) == ALREADY_KNOWN
    assert pool.refusal(sha(b)) is None
    pool.add(sha(b), b, 60_000)
    assert pool.refusal(sha(send(1, 0))) == "mempool is full: number of txs 2 (max: 2)"
    assert pool.proposal() == [(a, 50_000), (b, 60_000)]
    pool.drop([sha(a), b"\x00" * 32])
    assert (pool.items(), len(pool)) == ([(sha(b), b)], 1)


def _build(mempool: list[bytes], local: list[tuple[bytes, int]], limits: Limits) -> list[bytes]:
    codec = native_codec()
    return build_proposal(mempool, codec.decode, lambda tx: True, lambda s: 0, limits, local_native=local)


def test_local_natives_go_first_in_order_and_a_mempool_copy_is_not_taken_twice():
    local = [(send(0, 0), 50_000), (send(0, 1), 50_000)]
    mempool = [send(1, 0), send(0, 1), evm_transfer(KEYS[1], b"\x42" * 20, 1, 0)]
    assert _build(mempool, local, Limits(1 << 20, 10**9, 0)) == [send(0, 0), send(0, 1), send(1, 0), mempool[2]]


def test_a_local_native_counts_its_gas_used_against_the_budget_and_its_limit_against_the_block():
    local = [(send(0, s), 50_000) for s in range(4)]
    # budget 120k: by limits (200k each) one tx; by gas used (50k each) two
    assert _build([], local, Limits(1 << 20, 10**9, 0, budget_gas=120_000)) == [send(0, 0), send(0, 1)]
    # the block's gas limit counts limits: 3 x 200k > 500k, so two; the first that does
    # not fit ends the sender's run even though none of the rest would fit either
    assert _build([], local, Limits(1 << 20, 500_000, 0)) == [send(0, 0), send(0, 1)]


def test_the_limit_on_gas_wanted_counts_limits_and_the_gas_limit_counts_gas_used():
    local = [(send(0, s), 50_000) for s in range(6)]
    # gas wanted 1M: five limits of 200k; gas limit 150k: three uses of 50k
    assert _build([], local, Limits(1 << 20, 150_000, 0, max_gas_wanted=1_000_000)) == [send(0, s) for s in range(3)]
    assert _build([], local, Limits(1 << 20, 10**9, 0, max_gas_wanted=1_000_000)) == [send(0, s) for s in range(5)]
    # a mempool native (no gas used known) counts its limit against both
    mempool = [send(1, 0)]
    assert _build(mempool, local[:2], Limits(1 << 20, 250_000, 0, max_gas_wanted=10**9)) == [send(0, 0), send(0, 1)]
    assert _build(mempool, local[:2], Limits(1 << 20, 300_000, 0, max_gas_wanted=10**9)) == [
        send(0, 0), send(0, 1), send(1, 0)]


@pytest.fixture()
def chain(tmp_path):
    with started_chain(tmp_path, KEYS) as c:
        yield c


def test_admitted_txs_are_held_and_a_duplicate_is_refused(chain):
    check = chain.app.check
    first, second = send(0, 0), send(0, 1)
    assert [check.admit_local(r).code for r in (first, second)] == [codes.OK, codes.OK]
    with pytest.raises(LocalRefusal, match=ALREADY_KNOWN):
        check.admit_local(first)
    assert [raw for raw, _ in chain.app.native_local.proposal()] == [first, second]
    # a wrong sequence is CheckTx's refusal, not held
    refused = check.admit_local(send(0, 5))
    assert refused.code == codes.INVALID_SEQUENCE and len(chain.app.native_local) == 2


def test_a_commit_drops_the_included_and_replays_the_rest_on_the_new_state(chain):
    check, pool = chain.app.check, chain.app.native_local
    txs = [send(0, s) for s in range(3)]
    for r in txs:
        assert check.admit_local(r).code == codes.OK
    chain.block(txs[:1])
    assert [raw for raw, _ in pool.proposal()] == txs[1:]
    # the replay put sequences 1 and 2 back into the check state: 3 is next
    assert check.admit_local(send(0, 3)).code == codes.OK
    assert check.admit_local(send(0, 1, amount=7)).code == codes.INVALID_SEQUENCE


def test_a_held_tx_whose_sequence_a_block_used_is_dropped_at_the_replay(chain):
    check, pool = chain.app.check, chain.app.native_local
    held = send(1, 0)
    assert check.admit_local(held).code == codes.OK
    other = send(1, 0, amount=9)  # same sequence, another tx: the block takes this one
    chain.block([other])
    assert check.admit_local(send(1, 1)).code == codes.OK  # the replay ran: held no longer passes
    assert [raw for raw, _ in pool.proposal()] == [send(1, 1)]


def test_a_tx_admitted_during_the_durable_write_is_neither_blocked_nor_lost(chain):
    check, pool, app = chain.app.check, chain.app.native_local, chain.app
    first = send(0, 0)
    assert check.admit_local(first).code == codes.OK
    written, release = threading.Event(), threading.Event()
    durable_commit = app.db.commit

    def commit_then_wait() -> None:  # the real write, then a pause before the pools move on
        durable_commit()
        written.set()
        release.wait(30)

    app.db.commit = commit_then_wait
    chain.height += 1
    req = abci.RequestFinalizeBlock(txs=[first], height=chain.height, hash=hashlib.sha256(b"h%d" % chain.height).digest(),
                                    proposer_address=b"\x01" * 20)
    req.time.seconds = GENESIS_SECONDS + chain.height
    app.finalize_block(req)
    committing = threading.Thread(target=app.commit, args=(abci.RequestCommit(),))
    committing.start()
    try:
        assert written.wait(30)
        answers = []
        admitting = threading.Thread(target=lambda: answers.append(check.admit_local(send(0, 1)).code))
        admitting.start()
        admitting.join(10)
        assert answers == [codes.OK]  # answered while Commit had not moved the pools on
    finally:
        release.set()
        committing.join(30)
        app.db.commit = durable_commit
    assert [raw for raw, _ in pool.proposal()] == [send(0, 1)]  # the included one dropped
    assert check.admit_local(send(0, 2)).code == codes.OK  # replayed on the new height: 2 is next
