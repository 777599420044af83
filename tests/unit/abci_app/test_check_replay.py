"""Putting the held local native txs back on the check state after a commit from their
checks' records (``txpool/replay.py``): the check state and the txs dropped are those of
checking every held tx again (the oracle: a second ``CheckState`` over the same state whose
records are unknown), and a tx whose reads a block left alone is not checked again."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abci_app.application.checktx import CheckState
from abci_app.application.txpool.native_local import NativeLocalPool
from abci_app.application.txpool.replay import MAX_PENDING_CHANGES, CheckRecord, HeldChecks, RecordingView
from abci_app.cosmos_tx.builder import build_and_sign
from ledger import accounts, codes
from ledger.addresses import to_bech32
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from store.api import ChangeSet
from store.overlay import EmptyView, Overlay
from tests.support.chain import CHAIN_ID, cosmos_send, evm_transfer, make_keys, started_chain

KEYS = make_keys(4, seed="check-replay")
BALANCE = 10**15  # usei each key holds at genesis (tests.support.chain.InProcessChain)
FEE = 2_000


def sha(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()


def send(key: int, seq: int, to: int, amount: int = 1) -> bytes:
    return cosmos_send(KEYS[key], KEYS[to].sei, amount, key, seq)


def replayed_by_checking_again(chain, held: list[tuple[bytes, bytes]]) -> tuple[dict, list[bytes]]:
    """The oracle: the check state and held hashes after checking every held tx again."""
    app, check = chain.app, chain.app.check
    pool = NativeLocalPool()
    for tx_hash, raw in held:
        pool.add(tx_hash, raw, 0)
    oracle = CheckState(app.db, check.codec, app.pool, check.handlers, pool, chain_id=check.chain_id,
                        evm_chain_id=check.evm_chain_id, min_gas_price=check.min_gas_price)
    oracle.last_time_ns = check.last_time_ns
    view = oracle._view()
    assert oracle.held.applied == 0
    return dict(view.layer), [h for h, _ in pool.items()]


def replayed(chain) -> tuple[dict, list[bytes]]:
    view = chain.app.check._view()
    return dict(view.layer), [h for h, _ in chain.app.native_local.items()]


@pytest.fixture()
def chain(tmp_path):
    with started_chain(tmp_path, KEYS) as c:
        yield c


def test_held_txs_whose_reads_a_block_left_alone_are_applied_not_checked_again(chain):
    check = chain.app.check
    txs = {k: [send(k, s, to=3) for s in range(3)] for k in range(3)}
    for s in range(3):
        for k in range(3):
            assert check.admit_local(txs[k][s]).code == codes.OK
    held = chain.app.native_local.items()
    chain.block([txs[0][0]])  # sender 0's first send: its account and balance take the values checked
    expected = replayed_by_checking_again(chain, held[1:])
    assert replayed(chain) == expected
    assert (check.held.applied, check.held.rerun) == (8, 0)
    # the next admission sees the replayed state: sequence 3 is next for every sender
    assert [check.admit_local(send(k, 3, to=3)).code for k in range(3)] == [codes.OK] * 3


def test_a_block_that_changed_what_a_held_tx_read_makes_it_checked_again(chain):
    check = chain.app.check
    assert check.admit_local(send(0, 0, to=3)).code == codes.OK
    assert check.admit_local(send(1, 0, to=3)).code == codes.OK
    assert check.admit_local(send(1, 1, to=3)).code == codes.OK
    held = chain.app.native_local.items()
    # another tx at sender 1's sequence 0 (a larger amount): the held one at 0 is gone, and
    # the one at 1 read another balance, so it is checked again (and passes)
    chain.block([send(1, 0, to=2, amount=5)])
    expected = replayed_by_checking_again(chain, held)
    assert replayed(chain) == expected
    assert expected[1] == [sha(send(0, 0, to=3)), sha(send(1, 1, to=3))]
    assert (check.held.applied, check.held.rerun) == (1, 2)


@pytest.mark.parametrize("included", [False, True], ids=["dropped", "included-and-failed"])
def test_a_held_tx_whose_writes_are_gone_makes_those_who_read_them_compare_again(chain, included):
    """Sender 0's large send to key 1 no longer passes once an EVM transfer drained sender 0:
    dropped at the replay, or included in the block where its message failed. Either way key
    1's balance holds what it held before it, and sender 2's send, which read key 1's
    balance after it, compares it again: a credit, it is put back with its write shifted."""
    check = chain.app.check
    large, small = send(0, 0, to=1, amount=BALANCE // 2), send(2, 0, to=1)
    assert [check.admit_local(r).code for r in (large, small)] == [codes.OK, codes.OK]
    held = chain.app.native_local.items()
    drain = evm_transfer(KEYS[0], KEYS[3].evm, BALANCE * 3 // 4 * 10**12, 0)
    results = chain.block([drain, large] if included else [drain]).tx_results
    assert [r.code for r in results] == ([codes.OK, codes.INSUFFICIENT_FUNDS] if included else [codes.OK])
    expected = replayed_by_checking_again(chain, held)
    assert replayed(chain) == expected
    assert expected[1] == [sha(small)]
    assert (check.held.applied, check.held.shifted, check.held.rerun) == (1, 1, 0 if included else 1)


def test_a_tx_checked_through_the_mempool_path_marks_what_it_wrote(chain):
    """A held tx that read what a mempool tx's check wrote is checked again: the mempool tx
    is not put back before it (CometBFT rechecks it later)."""
    check = chain.app.check
    assert check.admit_local(send(0, 0, to=3)).code == codes.OK
    assert chain.check(send(1, 0, to=3)).code == codes.OK  # not held here
    assert check.admit_local(send(1, 1, to=3)).code == codes.OK  # read the mempool tx's sequence
    held = chain.app.native_local.items()
    chain.block([])
    expected = replayed_by_checking_again(chain, held)
    assert replayed(chain) == expected
    assert expected[1] == [sha(send(0, 0, to=3))]
    assert (check.held.applied, check.held.rerun) == (1, 1)


def test_a_state_change_no_change_set_describes_checks_every_held_tx_again(chain):
    check = chain.app.check
    for s in range(2):
        assert check.admit_local(send(0, s, to=3)).code == codes.OK
    check.reset()  # e.g. a state sync
    check._view()
    assert (check.held.applied, check.held.rerun) == (0, 2)


def test_a_check_that_iterated_a_range_or_reads_the_block_is_never_replayed_from_its_record():
    base = Overlay(EmptyView())
    base.set("bank", b"a", b"1")
    view = RecordingView(base)
    assert view.get("bank", b"a") == b"1" and view.get("bank", b"b") is None
    view.set("bank", b"b", b"2")
    assert view.get("bank", b"b") == b"2"  # its own write: not a read
    record = CheckRecord.of(view, ("c", 1, 0), replayable=True)
    assert (record.reads, record.writes, record.replayable) == (
        {("bank", b"a"): b"1", ("bank", b"b"): None}, {("bank", b"b"): b"2"}, True)
    list(view.iterate("bank", None, None))
    assert not CheckRecord.of(view, ("c", 1, 0), replayable=True).replayable

    held = HeldChecks()
    held.admitted(b"t", record)
    held.committed(ChangeSet({}))
    fresh = Overlay(base)
    reruns = []
    assert held.replay(fresh, [(b"t", b"raw")], ("c", 1, 0), lambda h, raw: reruns.append(h)) == []
    assert (reruns, fresh.layer) == ([], {("bank", b"b"): b"2"})
    # another check context (a new gas limit): checked again, and gone when it fails there
    held.committed(ChangeSet({}))
    assert held.replay(Overlay(base), [(b"t", b"raw")], ("c", 2, 0), lambda h, raw: reruns.append(h)) == [b"t"]
    assert reruns == [b"t"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_replay_equals_checking_every_held_tx_again(tmp_path_factory, seed):
    """Random admissions (some refused), blocks taking a prefix of the held txs, conflicting
    sends, EVM transfers draining a sender or paying an account (balances that shrink or grow
    under held debits and credits) and mempool-path checks: after every commit the check
    state and the held txs are the oracle's."""
    rng = random.Random(seed)
    with started_chain(tmp_path_factory.mktemp("replay"), KEYS) as chain:
        check, local = chain.app.check, chain.app.native_local
        next_seq = [0] * len(KEYS)  # the next sequence per sender, as the check state sees it
        evm_nonce = [0] * len(KEYS)
        for _ in range(5):
            for _ in range(rng.randrange(1, 12)):
                k = rng.randrange(3)
                amount = rng.choice([1, 7, BALANCE // 4])
                raw = send(k, next_seq[k], to=rng.randrange(4), amount=amount)
                if rng.random() < 0.15:  # through CometBFT's mempool path, not held
                    ok = chain.check(raw).code == codes.OK
                else:
                    ok = check.admit_local(raw).code == codes.OK
                next_seq[k] += ok
            held = local.items()
            block = [raw for _, raw in held[: rng.randrange(len(held) + 1)]]
            if rng.random() < 0.4:  # a conflicting send at the committed sequence of a sender
                k = rng.randrange(3)
                committed = chain.app.db.read_view()
                acc = accounts.get_account(committed, KEYS[k].sei)
                block.insert(0, send(k, acc.sequence, to=3, amount=rng.choice([2, BALANCE // 2])))
            if rng.random() < 0.3:  # an EVM transfer draining most of a sender's funds
                k = rng.randrange(3)
                drain = evm_transfer(KEYS[k], KEYS[3].evm, BALANCE * 10**12 // 2, evm_nonce[k])
                block.insert(rng.randrange(len(block) + 1), drain)
                evm_nonce[k] += 1
            if rng.random() < 0.4:  # key 3 (never a native sender) pays an account
                pay = evm_transfer(KEYS[3], KEYS[rng.randrange(3)].evm, rng.choice([1, BALANCE // 8]) * 10**12,
                                   evm_nonce[3])
                block.insert(rng.randrange(len(block) + 1), pay)
                evm_nonce[3] += 1
            chain.block(block)
            expected = replayed_by_checking_again(chain, held)
            assert replayed(chain) == expected
            next_seq = _next_sequences(chain)


def _next_sequences(chain) -> list[int]:
    view = chain.app.check._view()
    return [accounts.get_account(view, k.sei).sequence for k in KEYS]


@pytest.mark.parametrize(("commits", "reruns"), [(MAX_PENDING_CHANGES, 0), (MAX_PENDING_CHANGES + 1, 1)])
def test_change_sets_are_kept_for_a_bounded_number_of_commits_without_a_replay(commits, reruns):
    base = Overlay(EmptyView())
    view = RecordingView(base)
    view.set("bank", b"a", b"1")
    held = HeldChecks()
    held.committed(ChangeSet({"bank": ((b"a", b"0"),)}))  # nothing held: not kept
    held.admitted(b"t", CheckRecord.of(view, "c", replayable=True))
    for _ in range(commits):
        held.committed(ChangeSet({}))
    ran = []
    held.replay(Overlay(base), [(b"t", b"raw")], "c", lambda h, raw: ran.append(h))
    assert (len(ran), held.applied) == (reruns, 1 - reruns)


def _held_then_block(chain, admitted: list[bytes], block: list[bytes]) -> tuple[int, int, int]:
    """Admit ``admitted`` (each passes), commit ``block``, check the replay against the oracle;
    the replay's (applied, shifted, rerun)."""
    check = chain.app.check
    assert [check.admit_local(r).code for r in admitted] == [codes.OK] * len(admitted)
    held = chain.app.native_local.items()
    chain.block(block)
    expected = replayed_by_checking_again(chain, held)
    assert replayed(chain) == expected
    return check.held.applied, check.held.shifted, check.held.rerun


def test_held_sends_to_an_account_that_paid_in_the_block_are_put_back_with_their_credits_shifted(chain):
    """The bench's mix: native sends pay an account that sends Ethereum txs. A block with its
    transfer changes the recipient's balance; the held sends are put back with their credits
    added to the new balance, none checked again."""
    sends = [send(0, s, to=1) for s in range(3)] + [send(2, 0, to=1)]
    assert _held_then_block(chain, sends, [evm_transfer(KEYS[1], KEYS[3].evm, 1_000 * 10**12, 0)]) == (4, 4, 0)


def test_a_held_send_whose_sender_paid_in_the_block_is_checked_again(chain):
    """A debit on a balance that shrank: the check's decision (it covers the amount) may
    not hold any more."""
    paid = [evm_transfer(KEYS[0], KEYS[3].evm, 1_000 * 10**12, 0)]
    assert _held_then_block(chain, [send(0, 0, to=3)], paid) == (0, 0, 1)


def test_a_held_send_whose_sender_was_paid_in_the_block_is_put_back_shifted(chain):
    paid = [evm_transfer(KEYS[1], KEYS[0].evm, 1_000 * 10**12, 0)]
    assert _held_then_block(chain, [send(0, 0, to=3)], paid) == (1, 1, 0)


def test_a_held_tx_of_two_messages_is_checked_again_when_a_balance_it_read_changed(chain):
    """Only a tx of one message declaring ``balance_deltas`` is shifted: with two, a balance
    one credits another may debit."""
    msgs = []
    for to in (1, 2):
        msg = bank_tx.MsgSend(from_address=KEYS[0].bech32, to_address=to_bech32(KEYS[to].sei))
        coin = msg.amount.add()
        coin.denom, coin.amount = "usei", "1"
        msgs.append(msg)
    two = build_and_sign(KEYS[0].privkey, msgs, CHAIN_ID, 0, 0, FEE, 200_000)
    paid = [evm_transfer(KEYS[1], KEYS[3].evm, 1_000 * 10**12, 0)]
    assert _held_then_block(chain, [two], paid) == (0, 0, 1)


def test_a_held_first_signing_is_checked_again_when_its_cast_balance_changed(chain):
    """A first native tx of an account links its EVM address and moves the cast's whole
    balance (reading the cast's balances as a range): not a shift of the cast's balance,
    so it is checked again."""
    fresh = make_keys(1, seed="check-replay-fresh")[0]
    funding = cosmos_send(KEYS[0], fresh.sei, 10**9, 0, 0)  # creates the account
    chain.block([funding, evm_transfer(KEYS[1], fresh.evm, 5 * 10**12, 0)])  # and funds its cast
    number = accounts.get_account(chain.app.db.read_view(), fresh.sei).number
    first = cosmos_send(fresh, KEYS[3].sei, 1, number, 0)
    grows = [evm_transfer(KEYS[1], fresh.evm, 7 * 10**12, 1)]  # the cast's balance grows
    assert _held_then_block(chain, [first], grows) == (0, 0, 1)
