"""PrepareProposal's wait (``txpool/pacing.py``): it goes at the block interval after the
last block was decided, once a block's worth of txs is held, or once txs are held and the
intake has been idle for a moment; with no tx held it waits for one."""

from __future__ import annotations

import threading

import pytest

from abci_app.application.txpool.pacing import GO, ProposalPacing, wait_seconds


@pytest.mark.parametrize(
    ("now", "last", "held", "expected"),
    [
        (10.0, None, 0, 0.15),  # nothing held: wait for a tx, up to the deadline
        (10.0, None, 5, GO),  # held, nothing admitted here (CometBFT's mempool): go
        (10.0, 9.99, 5, 0.01),  # held, the last arrival 10 ms ago: 10 ms more of quiet
        (10.0, 9.99, 100, GO),  # still arriving, but a block's worth (100) is held: go
        (10.0, 9.95, 5, GO),  # held and 50 ms quiet: go
        (10.14, 10.139, 5, 0.01),  # quiet would end past the deadline: the deadline
        (10.15, 10.149, 5, GO),  # the deadline
        (10.2, None, 0, GO),  # past the deadline, nothing held: an empty block
    ],
    ids=["idle_chain", "mempool_txs", "arriving", "enough", "quiet", "near_deadline", "deadline", "empty_block"],
)
def test_wait_seconds(now, last, held, expected):
    left = wait_seconds(now, 10.15, last, held, 0.02, 100)
    assert left == pytest.approx(expected) if expected is not GO else left is GO


class StepClock:
    """A clock that moves only when told (the Condition's real wait is bounded by the test)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_settle_returns_at_once_when_no_wait_is_set_or_the_intake_is_quiet():
    clock = StepClock()
    pacing = ProposalPacing(clock)
    pacing.settle(0.25, 0.02, lambda: 0)  # no block decided yet: at once
    pacing.decided()
    pacing.settle(0, 0.02, lambda: 0)  # no interval: at once, even with nothing held
    with pacing.arriving():
        pass
    pacing.settle(0.15, 0.02, lambda: 9, enough=9)  # still arriving, a block's worth held: at once
    clock.now += 0.05
    pacing.settle(0.15, 0.02, lambda: 1)  # held, 50 ms quiet: at once


def test_a_waiting_proposal_wakes_when_the_first_tx_arrives_and_goes_once_quiet():
    clock = StepClock()
    pacing = ProposalPacing(clock)
    pacing.decided()
    arrived = threading.Event()
    done = threading.Event()

    def propose() -> None:
        pacing.settle(3600.0, 0.02, lambda: int(arrived.is_set()))  # a deadline no test reaches
        done.set()

    thread = threading.Thread(target=propose, daemon=True)
    thread.start()
    assert not done.wait(0.2)  # nothing held: it waits
    with pacing.arriving():  # wakes it once done; the clock has not moved: 20 ms of quiet still due
        arrived.set()
    assert not done.wait(0.2)
    clock.now += 0.05  # the quiet is over: its next look (at most 20 ms of real time) goes
    assert done.wait(5)
    thread.join(5)


def test_an_admission_under_way_is_not_quiet():
    clock = StepClock()
    pacing = ProposalPacing(clock)
    pacing.decided()
    with pacing.arriving():
        pass
    clock.now += 0.05  # 50 ms since the last admission ended, but one is under way:
    done = threading.Event()
    entered = threading.Event()
    release = threading.Event()

    def admit() -> None:
        with pacing.arriving():
            entered.set()
            release.wait(10)

    admission = threading.Thread(target=admit, daemon=True)
    admission.start()
    entered.wait(5)
    proposer = threading.Thread(target=lambda: (pacing.settle(3600.0, 0.02, lambda: 1), done.set()), daemon=True)
    proposer.start()
    assert not done.wait(0.2)
    release.set()  # it ends: 20 ms of quiet from now on
    admission.join(5)
    clock.now += 0.05
    assert done.wait(5)


def test_the_block_cap_follows_the_time_per_tx_of_recent_blocks():
    pacing = ProposalPacing(StepClock())
    assert pacing.block_cap(300) == 0  # nothing measured yet
    pacing.executed(50, 10**9)  # too small a block to say
    assert pacing.block_cap(300) == 0
    pacing.executed(1000, 200_000_000)  # 200 us a tx
    assert pacing.block_cap(300) == 1500
    pacing.executed(1000, 400_000_000)  # 400 us: the estimate halves the difference, 300 us
    assert pacing.block_cap(300) == 1000
    assert pacing.block_cap(0) == 0
    pacing.executed(100, 10**10)  # 100 ms a tx: never fewer than 100
    assert pacing.block_cap(300) == 100
