"""``Indexer``: keeps rendering off the consensus thread without losing blocks in a crash.

The app observer (``observe``, on the consensus thread, right after Commit) only journals
the committed block (a pickle under ``j`` + height, one small write) and queues it. A
background thread renders queued blocks in height order and writes each with the
deletion of its journal entry in the same batch. ``start()`` first re-indexes whatever
the journal still holds (blocks committed before a crash), so every committed block that
reached the observer is indexed exactly once. ``close()`` drains the queue.
"""

from __future__ import annotations

import logging
import pickle
import queue
import threading

from ledger.blocks import CommittedBlock

from .store import BlockIndex

log = logging.getLogger("pysei.index")
_JOURNAL = b"j"
_STOP = None


class Indexer:
    def __init__(self, index: BlockIndex) -> None:
        self.index = index
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        replayed = 0
        for key, raw in list(self.index.kv.scan(_JOURNAL)):
            self._index(pickle.loads(raw), key)
            replayed += 1
        if replayed:
            log.info("re-indexed %d journaled block(s) after an unclean stop", replayed)
        self._thread = threading.Thread(target=self._run, name="evm-index", daemon=True)
        self._thread.start()

    def observe(self, block: CommittedBlock, outcome: object = None) -> None:
        """The app observer: journal the block and queue it for rendering."""
        try:
            self.index.kv.write([(_JOURNAL + block.height.to_bytes(8, "big"), pickle.dumps(block, protocol=5))])
        except Exception:  # an unpicklable block still gets indexed, just not journaled
            log.exception("journaling block %d failed", block.height)
        self._queue.put(block)

    def _index(self, block: CommittedBlock, journal_key: bytes) -> None:
        try:
            rendered = self.index.index_block(block, extra=[(journal_key, None)])
        except Exception:
            log.exception("indexing block %d failed", block.height)
            return
        self.index.notify(rendered)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if isinstance(item, _Marker):
                item.event.set()
            elif isinstance(item, CommittedBlock):
                self._index(item, _JOURNAL + item.height.to_bytes(8, "big"))

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Block until everything queued so far is indexed (tests, shutdown)."""
        done = threading.Event()
        self._queue.put(_Marker(done))
        done.wait(timeout)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout=60)
            self._thread = None


class _Marker:
    def __init__(self, event: threading.Event) -> None:
        self.event = event
