"""``Pruner``: runs ``StateStore.prune`` in a background thread, off the commit path.

``request()`` only sets a flag; a prune already running absorbs further requests.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class _Prunable(Protocol):
    def prune(self, keep_recent: int) -> None: ...


class Pruner:
    def __init__(self, ss: _Prunable, keep_recent: int) -> None:
        self._ss = ss
        self._keep_recent = keep_recent
        self._wake = threading.Event()
        self._stop = False
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._keep_recent <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="ss-pruner", daemon=True)
        self._thread.start()

    def request(self) -> None:
        if self._thread is not None:
            self._idle.clear()
            self._wake.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no prune is pending (tests, benchmarks)."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stop:
                return
            try:
                self._ss.prune(self._keep_recent)
            except Exception:  # a failed prune must never take the node down
                log.exception("state store prune failed")
            if not self._wake.is_set():
                self._idle.set()

    def close(self) -> None:
        if self._thread is None:
            return
        self._stop = True
        self._wake.set()
        self._thread.join()
        self._thread = None
        self._idle.set()
