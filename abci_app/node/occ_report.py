"""The OCC report of recent blocks as a read-only app query, ``/pysei/occ/block`` at the
query's height (JSON): workers, txs speculated and re-executed, the hottest conflicting
keys, and the lanes (which process ran which txs). Recorded by a block observer after
Commit, kept for the last ``keep`` heights."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from abci_app.module_api import MsgError
from ledger import codes
from store.api import ReadView

PATH = "/pysei/occ/block"
KEEP_HEIGHTS = 1000


def lanes(txs: int, speculated: int, workers: int) -> list[dict[str, Any]]:
    """Which process ran which txs, as the scheduler plans a block: the app process runs
    the first ``txs - speculated`` in order, each of the ``workers - 1`` worker processes
    the next equal run (``OccScheduler.speculate``); a re-executed tx ran again in the app."""
    own = txs - speculated
    out = [{"lane": "app", "first": 0, "end": own}] if own else []
    processes = workers - 1
    if speculated and processes > 0:
        m = speculated // processes
        out += [{"lane": f"worker {k + 1}", "first": own + k * m, "end": own + (k + 1) * m} for k in range(processes)]
    return out


class OccReports:
    """Block observer and query handler; ``record`` costs a dict insert on the commit path."""

    def __init__(self, workers: int, keep: int = KEEP_HEIGHTS) -> None:
        self.workers = workers
        self.keep = keep
        self._reports: OrderedDict[int, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, block: Any, outcome: Any) -> None:
        s = outcome.stats
        report = {
            "height": block.height,
            "txs": len(block.txs),
            "workers": self.workers,
            "speculated": s.speculated_txs,
            "in_order": s.in_order_txs,
            "executions": s.executions,
            "re_executed": s.re_executions,
            "worker_segments": s.worker_segments,
            "in_order_fallback": s.in_order_fallback,
            "execute_ms": s.execute_ms,
            "validate_ms": s.validate_ms,
            "conflict_keys": [{"store": k[0], "key": k[1], "count": n} for k, n in s.conflict_keys],
            "lanes": lanes(len(block.txs), s.speculated_txs, self.workers),
        }
        encoded = json.dumps(report, separators=(",", ":")).encode()
        with self._lock:
            self._reports[block.height] = encoded
            while len(self._reports) > self.keep:
                self._reports.popitem(last=False)

    def query(self, data: bytes, view: ReadView, height: int) -> bytes:
        with self._lock:
            found = self._reports.get(height)
            oldest = next(iter(self._reports), None)
        if found is None:
            kept = f"heights {oldest}.. are kept" if oldest is not None else "no height executed since start"
            raise MsgError(codes.NOT_FOUND, f"no OCC report for height {height} ({kept})")
        return found
