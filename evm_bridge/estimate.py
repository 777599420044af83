"""eth_estimateGas as geth's ``gasestimator.Estimate``: a binary search on "does the
message succeed with this gas limit", each try a full simulation (``call.simulate``).

1. Run with the highest allowed limit; a failure there is the answer (revert data, or
   "gas required exceeds allowance").
2. A plain transfer to a code-less account needs exactly 21,000.
3. The first run's gas used (after refunds) bounds the answer from below; geth's first
   guess is ``(gas used + refund + call stipend) * 64 / 63``, which covers the refund
   and the 63/64 of gas a CALL may forward, and usually succeeds.
4. Bisect between the bounds (never more than doubling the lower one) until within 1.5%.

The returned limit always passed a simulation, so on unchanged state the tx succeeds.
"""

from __future__ import annotations

from collections.abc import Callable

from evm_bridge.api import CallResult
from evm_bridge.gas import TX_GAS

CALL_STIPEND = 2_300
#: geth stops bisecting when the bounds are within 1.5% of the upper one (as a fraction).
ERROR_RATIO = (15, 1000)


class EstimateError(Exception):
    """The message fails at every allowed limit: ``result`` is the failing run (its
    revert data, or the error of an invalid message)."""

    def __init__(self, message: str, result: CallResult) -> None:
        super().__init__(message)
        self.result = result


def _failed(r: CallResult) -> bool:
    """A try that failed for want of gas; any other invalidity aborts the search."""
    if r.valid:
        return not r.success
    if r.error.startswith(("intrinsic gas too low", "insufficient gas for floor data gas cost")):
        return True
    raise EstimateError(r.error, r)


def estimate(run: Callable[[int], CallResult], hi: int, plain_transfer: bool) -> int:
    """The smallest gas limit (within geth's 1.5%) with which ``run(limit)`` succeeds,
    searching up to ``hi``; raises ``EstimateError`` when ``hi`` itself fails."""
    if plain_transfer and hi >= TX_GAS and not _failed(run(TX_GAS)):
        return TX_GAS
    first = run(hi)
    if _failed(first):
        if first.error == "out of gas":
            raise EstimateError(f"gas required exceeds allowance ({hi})", first)
        raise EstimateError(first.error or "execution failed", first)
    lo = first.gas_used - 1
    optimistic = (first.gas_used + first.refund + CALL_STIPEND) * 64 // 63
    if optimistic < hi:
        if _failed(run(optimistic)):
            lo = optimistic
        else:
            hi = optimistic
    while lo + 1 < hi:
        if (hi - lo) * ERROR_RATIO[1] < ERROR_RATIO[0] * hi:
            break
        mid = min((hi + lo) // 2, lo * 2)
        if _failed(run(mid)):
            lo = mid
        else:
            hi = mid
    return hi
