"""Watching a run from the outside: which block each tx landed in (scanning blocks through
CometBFT RPC), block times, each tx's result code, and the nodes' OCC counters (Prometheus)."""

from __future__ import annotations

import base64
import hashlib
import re
import time
import urllib.request
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from testnet import rpc

OCC_COUNTERS = ("pysei_occ_executions", "pysei_occ_reexecutions", "pysei_txs")


@dataclass
class Landed:
    """Per tx hash: the height it was committed at and its result code; per height: block time."""

    height: dict[str, int] = field(default_factory=dict)
    code: dict[str, int] = field(default_factory=dict)
    block_time: dict[int, float] = field(default_factory=dict)
    block_txs: dict[int, int] = field(default_factory=dict)
    scanned_to: int = 0


def _scan_block(url: str, h: int) -> tuple[int, float, list[str], list[int]]:
    block = rpc.call(url, "block", height=str(h))["block"]
    hashes = [hashlib.sha256(base64.b64decode(t)).hexdigest().upper() for t in block["data"]["txs"] or []]
    codes = []
    if hashes:
        results = rpc.call(url, "block_results", height=str(h))["txs_results"] or []
        codes = [int(r.get("code", 0)) for r in results]
    return h, rpc.block_time(block["header"]["time"]), hashes, codes


def scan(url: str, landed: Landed, low: int, high: int, workers: int = 8) -> None:
    """Record blocks ``low..high`` (inclusive) into ``landed``."""
    with ThreadPoolExecutor(workers) as pool:
        for h, t, hashes, codes in pool.map(lambda k: _scan_block(url, k), range(low, high + 1)):
            landed.block_time[h] = t
            landed.block_txs[h] = len(hashes)
            for i, x in enumerate(hashes):
                landed.height[x] = h
                landed.code[x] = codes[i] if i < len(codes) else -1
    landed.scanned_to = max(landed.scanned_to, high)


def wait_committed(urls: Sequence[str], landed: Landed, wanted: Iterable[str], start: int,
                   deadline: float) -> set[str]:
    """Scan new blocks (from whichever node answers) until every wanted hash has landed and the
    block after the last one exists (its time is the commit time); returns those still missing."""
    wanted = list(wanted)
    missing = set(wanted)
    low = max(start, landed.scanned_to + 1)
    while time.time() < deadline:
        url = next((u for u in urls if rpc.height(u) > 0), None)
        top = rpc.height(url) - 1 if url else 0  # the newest block's results may not be saved yet
        if top >= low:
            scan(url, landed, low, top)
            low = top + 1
            missing = {x for x in missing if x not in landed.height}
            last = max((landed.height[x] for x in wanted if x in landed.height), default=0)
            if not missing and top > last:
                return missing
        time.sleep(0.25)
    return missing


def scrape(url: str, names: Sequence[str] = OCC_COUNTERS, timeout: float = 3) -> dict[str, float]:
    """Counter values from a Prometheus text endpoint (``name`` or ``name_total``)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            text = resp.read().decode()
    except OSError:
        return {}
    out = {}
    for name in names:
        m = re.search(rf"^{name}(?:_total)?\s+([0-9.eE+-]+)$", text, re.M)
        if m:
            out[name] = float(m.group(1))
    return out


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in [0, 100]); 0 for no values."""
    if not values:
        return 0.0
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(q / 100 * len(s) + 0.5)) - 1))
    return s[k]
