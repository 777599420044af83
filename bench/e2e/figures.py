"""Figures of a run, their medians over rounds, and the pysei/geth table."""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Sequence

from .drive import Run

#: (label, key, format); ratios are pysei / geth: above 1 is better for tx/s, below 1
#: for latency, interval, CPU and memory
FIGURES = (
    ("accepted", "accepted", "{:.0f}"),
    ("rejected", "rejected", "{:.0f}"),
    ("included", "included", "{:.0f}"),
    ("senders with a wrong nonce", "bad_nonces", "{:.0f}"),
    ("e2e tx/s (first send to last tx seen in a block)", "tps", "{:.0f}"),
    ("submit tx/s (every batch answered)", "submit_tps", "{:.0f}"),
    ("block interval median, ms (block times)", "interval_ms", "{:.0f}"),
    ("txs per block median", "per_block", "{:.0f}"),
    ("latency p50, ms (send to block seen)", "p50_ms", "{:.0f}"),
    ("latency p95, ms", "p95_ms", "{:.0f}"),
    ("node CPU per tx, ms", "cpu_ms", "{:.2f}"),
)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100))]


def figures(run: Run) -> dict[str, float]:
    """The figures of one run."""
    done = [h for h in run.sent_at if h in run.included_at]
    end = max((run.included_at[h] for h in done), default=run.first_send)
    span = end - run.first_send
    latency = [(run.included_at[h] - run.sent_at[h]) * 1000 for h in done]
    heights = sorted(h for h, t in run.block_seen.items() if run.first_send <= t <= end)
    # intervals from the blocks' own times (the poller sees blocks in bursts when a node is busy)
    gaps = [(run.block_time[b] - run.block_time[a]) * 1000 for a, b in zip(heights, heights[1:], strict=False)
            if b == a + 1 and a in run.block_time and b in run.block_time]
    loaded = [run.block_txs[h] for h in heights if run.block_txs.get(h)]
    submit = run.last_send - run.first_send
    return {
        "accepted": len(run.sent_at),
        "rejected": len(run.rejected),
        "included": len(done),
        "bad_nonces": len(run.nonce_errors),
        "tps": len(done) / span if span > 0 else 0.0,
        "submit_tps": len(run.sent_at) / submit if submit > 0 else 0.0,
        "interval_ms": statistics.median(gaps) if gaps else 0.0,
        "per_block": statistics.median(loaded) if loaded else 0.0,
        "p50_ms": percentile(latency, 50),
        "p95_ms": percentile(latency, 95),
        "cpu_ms": sum(run.cpu_s.values()) / max(1, len(done)) * 1000,
    }


def median_figures(runs: Sequence[Run]) -> dict[str, float]:
    each = [figures(r) for r in runs] or [dict.fromkeys((k for _, k, _ in FIGURES), 0.0)]
    return {key: statistics.median(f[key] for f in each) for _, key, _ in FIGURES}


def cpu_split(runs: Sequence[Run]) -> dict[str, float]:
    """Median CPU ms per included tx of each process kind."""
    names = sorted({k for r in runs for k in r.cpu_s})
    out = {}
    for name in names:
        out[name] = statistics.median(r.cpu_s.get(name, 0.0) / max(1, figures(r)["included"]) * 1000 for r in runs)
    return out


def abci_per_tx(runs: Sequence[Run]) -> dict[str, float]:
    """Median count per included tx of each ABCI call CometBFT made (and of its rechecks)."""
    names = sorted({k for r in runs for k in r.abci_calls if not k.endswith(" s")})
    return {n: statistics.median(r.abci_calls.get(n, 0.0) / max(1, figures(r)["included"]) for r in runs)
            for n in names}


def abci_ms_per_call(runs: Sequence[Run]) -> dict[str, float]:
    """Median milliseconds per call of each ABCI call CometBFT timed."""
    names = sorted({k[:-2] for r in runs for k in r.abci_calls if k.endswith(" s")})
    return {n: statistics.median(r.abci_calls.get(n + " s", 0.0) * 1000 / max(1.0, r.abci_calls.get(n, 0.0))
                                 for r in runs) for n in names}


def table(load: str, size_note: str, pysei: Sequence[Run], geth: Sequence[Run],
          names: tuple[str, str] = ("pysei", "geth")) -> list[str]:
    """The load's figures: pysei median, geth median (or another node's: ``names``), pysei/geth."""
    p, g = median_figures(pysei), median_figures(geth)
    ratio_name = f"{names[0]}/{names[1]}"
    lines = [f"== load {load}: {size_note} (medians of {len(pysei)} rounds)",
             f"  {'figure':<52}{names[0]:>10}{names[1]:>10}{ratio_name:>14}"]
    for label, key, fmt in FIGURES:
        ratio = f"{p[key] / g[key]:.2f}x" if g[key] else "-"
        lines.append(f"  {label:<52}{fmt.format(p[key]):>10}{fmt.format(g[key]):>10}{ratio:>14}")
    for node, runs in zip(names, (pysei, geth), strict=True):
        split = ", ".join(f"{k} {v:.2f}" for k, v in cpu_split(runs).items() if v >= 0.005)
        lines.append(f"  {node} CPU ms per tx by process: {split}")
        calls = abci_per_tx(runs)
        if calls:
            lines.append(f"  {node} ABCI calls per tx: " + ", ".join(f"{k} {v:.2f}" for k, v in calls.items()))
            timing = abci_ms_per_call(runs)
            lines.append(f"  {node} ABCI ms per call (CometBFT's timing): "
                         + ", ".join(f"{k} {v:.2f}" for k, v in timing.items() if v))
        errors = [e for r in runs for e in r.nonce_errors[:2]] + [e for r in runs for e in r.rejected[:1]]
        if errors:
            lines.append(f"  {node} first problems: {errors[:3]}")
    return lines


def timeline(run: Run) -> list[str]:
    """One line per block seen during ``run``: when it was seen (ms after the first send),
    its txs, and how many txs had been sent (their batch sent) and answered by then."""
    sent = sorted(run.sent_at.values())
    lines = []
    for h in sorted(run.block_seen):
        seen = run.block_seen[h]
        if seen < run.first_send or not run.block_txs.get(h):
            continue
        before = bisect.bisect_right(sent, seen)
        made = (f"made +{(run.block_time[h] - run.first_send_wall) * 1000:.0f} ms, " if h in run.block_time else "")
        lines.append(f"    h{h} {made}seen +{(seen - run.first_send) * 1000:.0f} ms, {run.block_txs[h]} txs, "
                     f"{before} sent before")
    halves = (f" (EVM batches +{(run.evm_done - run.first_send) * 1000:.0f} ms, second half "
              f"+{(run.side_done - run.first_send) * 1000:.0f} ms)" if run.side_done > run.first_send else "")
    lines.append(f"    last batch answered +{(run.last_send - run.first_send) * 1000:.0f} ms{halves}")
    return lines
