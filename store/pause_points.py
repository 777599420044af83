"""Named points on the commit path where a node can be told to stop and wait to be killed.

Crash tests time a ``kill -9`` with them: started with ``PausePoints({"commit.after_changelog"},
marker_dir)``, the node writes ``marker_dir/commit.after_changelog`` the first time it gets
there and then blocks that thread until the process is killed. Nothing is faked: the kill
and the recovery are real; the point only makes the moment certain. A node started without
names (the default, and always in production) passes every point at no cost.

======================================  =============================================
``commit.after_changelog``              Commit: the height is in the changelog (fsynced,
                                        durable), the state store not yet written
``commit.after_state_store``            Commit: changelog and state store written, the
                                        app's block observers (the JSON-RPC index) not run
``snapshot.before_rename``              a commitment snapshot fully written and fsynced
                                        under ``tmp-<height>``, not yet renamed into place
``snapshot.after_rename``               the snapshot in place, older ones not yet pruned
======================================  =============================================
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

POINTS = ("commit.after_changelog", "commit.after_state_store", "snapshot.before_rename", "snapshot.after_rename")


class PausePoints:
    """The points to stop at (each once per process) and where to announce it."""

    def __init__(self, names: Iterable[str] = (), marker_dir: str | Path | None = None) -> None:
        self.names = frozenset(names)
        unknown = self.names - set(POINTS)
        if unknown:
            raise ValueError(f"unknown pause points {sorted(unknown)}; known: {', '.join(POINTS)}")
        if self.names and marker_dir is None:
            raise ValueError("pause points need a marker directory")
        self.marker_dir = Path(marker_dir) if marker_dir is not None else None
        self._reached: set[str] = set()
        self._lock = threading.Lock()

    def reach(self, name: str) -> None:
        """At point ``name``: if asked to, announce it (marker file holding the pid) and
        block this thread until the process is killed."""
        if name not in self.names:
            return
        with self._lock:
            if name in self._reached:
                return
            self._reached.add(name)
        assert self.marker_dir is not None
        self.marker_dir.mkdir(parents=True, exist_ok=True)
        marker = self.marker_dir / name
        marker.write_text(str(os.getpid()))
        threading.Event().wait()  # until kill -9


NO_PAUSES = PausePoints()
