"""geth's estimate search (``evm_bridge.estimate``) against a model of a call: it succeeds
iff the limit covers ``need``; it then reports ``used`` gas and ``refund``."""

from __future__ import annotations

import pytest

from evm_bridge.api import CallResult
from evm_bridge.estimate import EstimateError, estimate


class Model:
    def __init__(self, need: int, used: int, refund: int = 0, error: str = "out of gas") -> None:
        self.need, self.used, self.refund, self.error = need, used, refund, error
        self.tries: list[int] = []

    def __call__(self, gas: int) -> CallResult:
        self.tries.append(gas)
        if gas < 21_000:
            return CallResult(False, b"", 0, f"intrinsic gas too low: have {gas}, want 21000", valid=False)
        if gas < self.need:
            return CallResult(False, b"", gas, self.error)
        return CallResult(True, b"", self.used, "", (), self.refund)


def test_plain_transfer_is_21000_in_one_try() -> None:
    m = Model(21_000, 21_000)
    assert estimate(m, 10_000_000, plain_transfer=True) == 21_000
    assert m.tries == [21_000]


def test_the_optimistic_bound_covers_refunds_and_forwarding() -> None:
    # needs 60,000 up front, charges 50,000 after an 8,000 refund
    m = Model(need=60_000, used=50_000, refund=8_000)
    got = estimate(m, 10_000_000, plain_transfer=False)
    optimistic = (50_000 + 8_000 + 2_300) * 64 // 63
    assert m.tries[:2] == [10_000_000, optimistic]
    assert m.tries[2] == (optimistic + 49_999) // 2  # bisecting [gas used - 1, optimistic]
    assert got == min(t for t in m.tries if t >= 60_000)
    assert (got - 60_000) * 1000 < 15 * got


def test_binary_search_when_the_optimistic_bound_fails() -> None:
    m = Model(need=200_000, used=100_000)
    got = estimate(m, 1_000_000, plain_transfer=False)
    assert m(got).success and not m(got * 985 // 1000 - 1).success
    assert m.tries[1] == (100_000 + 2_300) * 64 // 63  # failed: the lower bound


def test_failures_at_the_cap() -> None:
    with pytest.raises(EstimateError, match=r"^gas required exceeds allowance \(500000\)$"):
        estimate(Model(need=10**9, used=0), 500_000, plain_transfer=False)
    with pytest.raises(EstimateError) as e:
        estimate(Model(need=10**9, used=0, error="execution reverted"), 500_000, plain_transfer=False)
    assert str(e.value) == "execution reverted" and e.value.result.error == "execution reverted"


def test_invalid_messages_abort_except_for_want_of_gas() -> None:
    def broke(gas: int) -> CallResult:
        return CallResult(False, b"", 0, "insufficient funds for gas * price + value", valid=False)

    with pytest.raises(EstimateError, match="insufficient funds"):
        estimate(broke, 100_000, plain_transfer=False)
    with pytest.raises(EstimateError, match="intrinsic gas too low"):
        estimate(Model(need=30_000, used=25_000), 20_000, plain_transfer=True)


def test_mid_never_more_than_doubles_the_lower_bound() -> None:
    m = Model(need=40_000, used=30_000)
    estimate(m, 10_000_000, plain_transfer=False)
    assert m.tries[:3] == [10_000_000, (30_000 + 2_300) * 64 // 63, 2 * 32_812]
