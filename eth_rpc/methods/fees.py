"""Fees: eth_gasPrice (next base fee + suggested tip), eth_maxPriorityFeePerGas,
eth_feeHistory, eth_baseFee, all from the index (base fees and the tips paid in recent
blocks); eth_blobBaseFee (no blob txs on this chain: always EIP-4844's minimum)."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import invalid_params
from eth_rpc.method_spec import THREAD, rpc
from evm_bridge.basefee import next_base_fee

MAX_HISTORY = 1024
#: EIP-4844's minimum blob base fee; with no blob gas ever used it never rises.
BLOB_BASE_FEE = 1
TIP_BLOCKS = 20
TIP_PERCENTILE = 60


def _h(header: dict, key: str) -> int:
    return int(header[key], 16)


def next_fee(b: Any) -> int:
    header = b.header(b.latest())
    if header is None or b.latest() == 0:
        return _h(header, "baseFeePerGas") if header else 0
    return next_base_fee(_h(header, "baseFeePerGas"), _h(header, "gasUsed"), _h(header, "gasLimit"))


def _tips(b: Any, height: int) -> list[tuple[int, int]]:
    """(tip, gas used) of the block's EVM txs, sorted by tip."""
    header = b.header(height)
    if header is None:
        return []
    base = _h(header, "baseFeePerGas")
    n = b.index.evm_count(height)
    out = [(max(_h(r, "effectiveGasPrice") - base, 0), _h(r, "gasUsed")) for r in b.index.receipts(height)[:n]] if n else []
    return sorted(out)


def suggested_tip(b: Any) -> int:
    latest = b.latest()
    cache = getattr(b, "_tip_cache", None)
    if cache is not None and cache[0] == latest:
        return cache[1]
    tips = [t for h in range(max(1, latest - TIP_BLOCKS + 1), latest + 1) for t, _ in _tips(b, h)]
    tip = sorted(tips)[(len(tips) - 1) * TIP_PERCENTILE // 100] if tips else b.config.default_tip_wei
    b._tip_cache = (latest, tip)
    return tip


@rpc("eth_gasPrice")
def gas_price(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    return hex(next_fee(b) + suggested_tip(b))


@rpc("eth_baseFee")
def base_fee(b: Any, params: list) -> str:
    """The base fee of the next block."""
    P.arity(params, 0, 0)
    return hex(next_fee(b))


@rpc("eth_blobBaseFee")
def blob_base_fee(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    return hex(BLOB_BASE_FEE)


@rpc("eth_maxPriorityFeePerGas")
def max_priority_fee(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    return hex(suggested_tip(b))


def _reward(tips: list[tuple[int, int]], gas_used: int, percentiles: list[float]) -> list[str]:
    if not tips or not gas_used:
        return ["0x0"] * len(percentiles)
    out, acc, i = [], 0, 0
    for p in percentiles:
        threshold = gas_used * p / 100
        while i < len(tips) - 1 and acc + tips[i][1] < threshold:
            acc += tips[i][1]
            i += 1
        out.append(hex(tips[i][0]))
    return out


@rpc("eth_feeHistory", THREAD)
def fee_history(b: Any, params: list) -> dict:
    count_v, newest_v, pct_v = P.arity(params, 3, 3)  # the spec requires rewardPercentiles (may be [])
    count = P.quantity(count_v, "blockCount", 64) if isinstance(count_v, str) else count_v
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise invalid_params("invalid argument 0: blockCount must be a quantity")
    percentiles: list[float] = []
    if pct_v is not None:
        if not isinstance(pct_v, list) or len(pct_v) > 100:
            raise invalid_params("invalid argument 2: rewardPercentiles must be a list of at most 100 numbers")
        for p in pct_v:
            if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 100:
                raise invalid_params(f"invalid reward percentile: {p!r}")
            if percentiles and p < percentiles[-1]:
                raise invalid_params(f"invalid reward percentile: #{len(percentiles)}:{p} < #{len(percentiles) - 1}:{percentiles[-1]}")
            percentiles.append(p)
    newest = min(b.block_number(newest_v), b.latest())
    count = min(count, MAX_HISTORY, newest + 1)
    oldest = newest - count + 1
    base_fees, ratios, rewards = [], [], []
    for h in range(oldest, newest + 1):
        header = b.header(h)
        if header is None:
            base_fees.append("0x0")
            ratios.append(0.0)
            rewards.append(["0x0"] * len(percentiles))
            continue
        used, limit = _h(header, "gasUsed"), _h(header, "gasLimit")
        base_fees.append(header["baseFeePerGas"])
        ratios.append(used / limit if limit else 0.0)
        if pct_v is not None:
            rewards.append(_reward(_tips(b, h), used, percentiles))
    last = b.header(newest)
    if count and last is not None:
        base_fees.append(hex(next_base_fee(_h(last, "baseFeePerGas"), _h(last, "gasUsed"), _h(last, "gasLimit"))))
    elif count:
        base_fees.append("0x0")
    out: dict[str, Any] = {
        "oldestBlock": hex(oldest if count else newest),
        "baseFeePerGas": base_fees,
        "gasUsedRatio": ratios,
        "baseFeePerBlobGas": [hex(BLOB_BASE_FEE)] * len(base_fees),
        "blobGasUsedRatio": [0.0] * len(ratios),
    }
    if pct_v is not None:
        out["reward"] = rewards
    return out
