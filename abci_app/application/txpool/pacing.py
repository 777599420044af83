"""When this node's proposal is built: PrepareProposal waits for the block interval while
local txs are still arriving, and goes as soon as they stop or a block's worth is held.

CometBFT starts its commit pause (``timeout_commit``) when a block is decided, before the
app executes it, and calls PrepareProposal for the next height once the pause is over and
the block is committed. With a pause of ``proposal_interval_ms`` every block would wait for
it, even after the last tx of a burst. Instead the pause is short and PrepareProposal itself
waits until ``proposal_interval_ms`` after the last block was decided (FinalizeBlock began):
the cadence under a steady load and on an idle chain is the same, while a burst's last txs
are proposed once the intake has been quiet for ``proposal_idle_ms``, and a block's worth of
txs (``proposal_max_txs``, or ``block_cap``'s share of ``proposal_max_exec_ms``) is proposed
at once. Only arrivals into this node's own pools
count (its JSON-RPC and CometBFT RPC intakes): CometBFT's mempool hands PrepareProposal its
txs when it calls, so waiting adds none of those.

The wait steers which txs a proposal holds, as arrival timing always does; it is never a
result: ProcessProposal and FinalizeBlock judge the txs alone.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: ``wait_seconds``'s answer: build the proposal now.
GO = None


def wait_seconds(now: float, deadline: float, last_admitted: float | None, held: int, idle_s: float,
                 enough: int = 0) -> float | None:
    """How long PrepareProposal still waits at ``now`` (``GO``: no longer), ``held`` txs
    waiting for a block. It goes at ``deadline``, once ``enough`` are held (0: no such
    number), or once some are and none was admitted for ``idle_s``; with none held it waits
    for one (or the deadline)."""
    if now >= deadline or 0 < enough <= held:
        return GO
    if not held:
        return deadline - now
    quiet = now - last_admitted if last_admitted is not None else idle_s
    if quiet >= idle_s:
        return GO
    return min(deadline - now, idle_s - quiet)


class ProposalPacing:
    """When the last block was decided, how long blocks take to execute, and when this
    node's own intake last took a tx; PrepareProposal ``settle``s on them and cuts its
    block at ``block_cap``.

    ``clock``: monotonic seconds (``time.monotonic``)."""

    #: Blocks with fewer txs say little about the time per tx (their fixed costs dominate).
    MIN_SAMPLE_TXS = 100

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._changed = threading.Condition()
        self._last: float | None = None
        self._busy = 0
        self._decided: float | None = None
        self._waiting_for_a_tx = False
        self._ns_per_tx: int | None = None

    def decided(self) -> None:
        """A block was decided (FinalizeBlock began)."""
        self._decided = self._clock()

    def executed(self, txs: int, nanoseconds: int) -> None:
        """A block of ``txs`` took ``nanoseconds`` to execute (FinalizeBlock)."""
        if txs < self.MIN_SAMPLE_TXS:
            return
        measured = nanoseconds // txs
        known = self._ns_per_tx
        self._ns_per_tx = measured if known is None else (known + measured) // 2

    def block_cap(self, exec_ms: int) -> int:
        """The most txs a block should hold to execute in ``exec_ms`` at the recent time per
        tx (0: no cap, ``exec_ms`` <= 0 or nothing measured yet)."""
        per_tx = self._ns_per_tx
        if exec_ms <= 0 or not per_tx:
            return 0
        return max(self.MIN_SAMPLE_TXS, exec_ms * 1_000_000 // per_tx)

    @contextmanager
    def arriving(self) -> Iterator[None]:
        """Around the admission of a tx into a local pool (entered holding no pool's lock):
        the intake is not quiet while one is under way."""
        with self._changed:
            self._busy += 1
        try:
            yield
        finally:
            with self._changed:
                self._busy -= 1
                self._last = self._clock()
                if self._waiting_for_a_tx:
                    self._changed.notify_all()

    def settle(self, interval_s: float, idle_s: float, held: Callable[[], int], enough: int = 0) -> None:
        """Return when ``wait_seconds`` says go, at most ``interval_s`` after the last block
        was decided (at once if none was, or if ``interval_s`` <= 0). ``held()``: the txs a
        proposal built now could take, or an estimate; looked at again at least every
        ``idle_s`` while txs arrive."""
        if interval_s <= 0 or self._decided is None:
            return
        deadline = self._decided + interval_s
        with self._changed:
            while True:
                count = held()
                now = self._clock()
                last = now if self._busy else self._last
                left = wait_seconds(now, deadline, last, count, idle_s, enough)
                if left is GO:
                    return
                self._waiting_for_a_tx = not count  # else quiet, enough txs or the deadline end it
                try:
                    self._changed.wait(left)
                finally:
                    self._waiting_for_a_tx = False
