"""Pause points: unknown names are refused, an unnamed point costs nothing, a named one
announces itself once with the pid and blocks its thread."""

from __future__ import annotations

import os
import threading
import time

import pytest

from store.pause_points import NO_PAUSES, POINTS, PausePoints


def test_unknown_points_and_a_missing_marker_dir_are_refused(tmp_path) -> None:
    with pytest.raises(ValueError, match="unknown pause points"):
        PausePoints(["commit.somewhere"], tmp_path)
    with pytest.raises(ValueError, match="marker directory"):
        PausePoints([POINTS[0]])


def test_points_not_named_pass_at_once(tmp_path) -> None:
    points = PausePoints([POINTS[0]], tmp_path)
    for name in POINTS[1:]:
        points.reach(name)
        NO_PAUSES.reach(name)
    assert list(tmp_path.iterdir()) == []


def test_a_named_point_writes_its_marker_and_blocks_its_thread(tmp_path) -> None:
    points = PausePoints([POINTS[0]], tmp_path)
    thread = threading.Thread(target=points.reach, args=(POINTS[0],), daemon=True)
    thread.start()
    marker = tmp_path / POINTS[0]
    deadline = time.monotonic() + 10
    while not (marker.exists() and marker.read_text()):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert marker.read_text() == str(os.getpid())
    thread.join(timeout=0.5)
    assert thread.is_alive()  # still paused: only a kill ends it
    points.reach(POINTS[0])  # a second arrival in the same process passes
