"""How a block is cut between the coordinator and the workers, from what recent blocks cost.

The coordinator executes the block's first segment itself, in order (as fast as serial
execution: nothing to track), while each worker speculates on one later segment; then the
coordinator settles the workers' outcomes in order and re-executes the invalid ones. Per tx
(nanoseconds): ``own`` to execute in order, ``speculative`` for a worker (tracking, pickling),
``settle`` for the coordinator to receive and validate a worker's outcome, and a share
``invalid_permille`` of worker outcomes that it must also re-execute. With ``w`` workers and
``m`` txs each, the coordinator works ``(n - w*m)*own + w*m*(settle + invalid*own)`` and each
worker ``m*speculative``; the plan makes the two equal. When settling and re-executing a
worker's tx costs the coordinator as much as executing it, workers only probe a small
segment, so a block after a burst of conflicts can learn that they eased; the block after
a worker stalled probes too.

Timings steer only the split, never a result: any split gives the serial result. Integer
arithmetic throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Costs:
    """Nanoseconds per tx, and the share of worker outcomes found invalid (per mille). The
    defaults are a simple transfer's, measured on the 2-core machine kind."""

    own: int = 100_000
    speculative: int = 110_000
    settle: int = 6_000
    invalid_permille: int = 0

    def blend(self, measured: Costs) -> Costs:
        """The running estimate after a block measured ``measured``: timings averaged; the
        conflict share rises at once (a burst costs a whole block) and eases by halves."""
        return Costs(
            (self.own + measured.own) // 2,
            (self.speculative + measured.speculative) // 2,
            (self.settle + measured.settle) // 2,
            _rise_fast(self.invalid_permille, measured.invalid_permille),
        )


class Planner:
    """Plans each block's split; learns from the blocks it is told about.

    ``min_segment``: the smallest worker segment worth a round trip (smaller: none).
    ``probe_share``: a worker's segment while conflicts make speculation a loss, as a
    fraction ``1/probe_share`` of the block per worker (at least ``min_segment``).
    """

    def __init__(self, costs: Costs | None = None, *, min_segment: int = 4, probe_share: int = 32) -> None:
        self.costs = costs or Costs()
        self.min_segment = min_segment
        self.probe_share = probe_share
        self._probe_next = False

    def segment(self, n: int, workers: int) -> int:
        """Txs per worker for a block of ``n`` (the coordinator keeps the rest, first)."""
        if workers <= 0 or n <= 0:
            return 0
        c = self.costs
        saved = c.own * (1000 - c.invalid_permille) // 1000 - c.settle  # per tx moved to a worker
        if self._probe_next:
            self._probe_next = False
            saved = 0
        if saved <= 0:
            m = n // (self.probe_share * workers)
        else:
            m = n * c.own // (c.speculative + workers * saved)
        m = min(m, n // workers)
        if m < self.min_segment:
            m = self.min_segment if saved <= 0 and n >= 2 * workers * self.min_segment else 0
        return min(m, n // workers)

    def observe(self, measured: Costs) -> None:
        self.costs = self.costs.blend(measured)

    def observe_stall(self) -> None:
        """A worker fell behind so far that its segment ran in order: the next block gives
        workers only a probe (a cold or starved worker then costs one block, not many)."""
        self._probe_next = True

    def observe_conflicts(self, invalid_permille: int) -> None:
        """Only the conflict share is known (no clock): keep the timings."""
        share = _rise_fast(self.costs.invalid_permille, invalid_permille)
        self.costs = replace(self.costs, invalid_permille=share)


def _rise_fast(estimate: int, measured: int) -> int:
    return measured if measured >= estimate else (estimate + measured) // 2
