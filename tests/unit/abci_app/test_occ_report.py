"""``abci_app.node.occ_report``: the per-height OCC report query, kept for recent heights."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from abci_app.module_api import MsgError
from abci_app.node.occ_report import OccReports, lanes
from ledger import codes
from occ.api import BlockStats


def _block(height: int, txs: int = 3) -> SimpleNamespace:
    return SimpleNamespace(height=height, txs=[b""] * txs)


def _outcome(**stats) -> SimpleNamespace:
    return SimpleNamespace(stats=BlockStats(**stats))


def test_report_of_a_height() -> None:
    reports = OccReports(workers=2)
    stats = dict(tasks=3, executions=5, re_executions=2, worker_segments=1, in_order_txs=3, speculated_txs=2,
                 execute_ms=7, validate_ms=1, conflict_keys=((("evm", "6e" + "ab" * 20), 2),))
    reports.record(_block(9), _outcome(**stats))
    assert json.loads(reports.query(b"", None, 9)) == {
        "height": 9, "txs": 3, "workers": 2, "speculated": 2, "in_order": 3, "executions": 5,
        "re_executed": 2, "worker_segments": 1, "in_order_fallback": False,
        "execute_ms": 7, "validate_ms": 1,
        "conflict_keys": [{"store": "evm", "key": "6e" + "ab" * 20, "count": 2}],
        "lanes": [{"lane": "app", "first": 0, "end": 1}, {"lane": "worker 1", "first": 1, "end": 3}],
    }


def test_lanes_follow_the_scheduler_plan() -> None:
    assert lanes(10, 6, 4) == [{"lane": "app", "first": 0, "end": 4}, {"lane": "worker 1", "first": 4, "end": 6},
                               {"lane": "worker 2", "first": 6, "end": 8}, {"lane": "worker 3", "first": 8, "end": 10}]
    assert lanes(5, 0, 1) == [{"lane": "app", "first": 0, "end": 5}]
    assert lanes(0, 0, 2) == []


def test_only_recent_heights_are_kept() -> None:
    reports = OccReports(workers=1, keep=2)
    for h in (1, 2, 3):
        reports.record(_block(h), _outcome())
    assert json.loads(reports.query(b"", None, 3))["height"] == 3
    assert json.loads(reports.query(b"", None, 2))["height"] == 2
    with pytest.raises(MsgError) as e:
        reports.query(b"", None, 1)
    assert (e.value.code, e.value.log) == (codes.NOT_FOUND, "no OCC report for height 1 (heights 2.. are kept)")


def test_nothing_recorded_yet() -> None:
    with pytest.raises(MsgError, match=r"no OCC report for height 4 \(no height executed since start\)"):
        OccReports(workers=1).query(b"", None, 4)
