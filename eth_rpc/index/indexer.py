"""``Indexer``: keeps rendering off the consensus thread without losing blocks in a crash.

The app observer (``observe``, on the consensus thread, right after Commit) only journals
the committed block (a pickle under ``j`` + height, one small write) and queues it. A
background thread renders queued blocks in height order and writes each with the
deletion of its journal entry in the same batch. ``start()`` first re-indexes whatever
the journal still holds (blocks committed before a crash), so every committed block that
reached the observer is indexed exactly once. ``close()`` drains the queue.

With ``render_process=True`` the rendering itself (tx objects, receipts, tries, JSON) runs
in one helper process, so it no longer competes for the app process's GIL with CheckTx,
FinalizeBlock and the JSON-RPC; the thread only ships the block (the journal's pickle of
it: the block is pickled once, ~16 ms for 2,000 txs) and writes the rows. If
the helper dies, rendering falls back to the thread; until it has started (imports take
a second or two), blocks are rendered in the thread so the index never lags at start.

The helper starts on a block as soon as FinalizeBlock has staged it (``prepare``, the
app's ``finalized`` hook): the block is pickled there, once, and the rendering overlaps
Commit; ``observe`` then journals those same bytes and the thread only collects the rows.
A block is shown only once committed (the rows are written after ``observe``), and one
rendered against a parent the index no longer holds is rendered again. The helper keeps
its collector off (``_warm_up``; rendering leaves no cycles, refcounting frees it all) so
no full collection lands in the middle of a block's rendering.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import pickle
import queue
import threading
from concurrent.futures import Future, ProcessPoolExecutor

from eth_rpc.index.render import BlockNews
from eth_rpc.index.store import BlockIndex, render_rows
from eth_rpc.index.tx_events import EventIndexing
from ledger.blocks import CommittedBlock
from untrusted.lifeline import exit_with

log = logging.getLogger("pysei.index")
_JOURNAL = b"j"
_STOP = None
#: The render process collects cycles once this many objects were allocated (net) since
#: its last collection; its automatic collection is off.
_COLLECT_AFTER = 1_000_000


class _Prepared:
    """A block handed to the render process at FinalizeBlock (``Indexer.prepare``)."""

    __slots__ = ("height", "hash", "raw", "parent", "rendered")

    def __init__(self, height: int, block_hash: bytes, raw: bytes, parent: bytes,
                 rendered: Future[tuple[BlockNews, list[tuple[bytes, bytes]]]]) -> None:
        self.height, self.hash, self.raw, self.parent, self.rendered = height, block_hash, raw, parent, rendered


class Indexer:
    def __init__(self, index: BlockIndex, render_process: bool = False) -> None:
        self.index = index
        self.render_process = render_process
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._warm: Future[object] | None = None
        self._prepared: _Prepared | None = None  # the block staged, rendering (consensus thread's)
        self._last: tuple[int, bytes] = (-1, b"")  # the last observed block (height, hash)
        #: Blocks written from the rendering ``prepare`` started.
        self.rendered_early = 0

    def start(self) -> None:
        if self.render_process:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"),
                                             initializer=exit_with, initargs=(os.getpid(),))
            self._warm = self._pool.submit(_warm_up)
        replayed = 0
        for key, raw in list(self.index.kv.scan(_JOURNAL)):
            self._index(pickle.loads(raw), key, raw)
            replayed += 1
        if replayed:
            log.info("re-indexed %d journaled block(s) after an unclean stop", replayed)
        self._thread = threading.Thread(target=self._run, name="evm-index", daemon=True)
        self._thread.start()

    def _helper_ready(self) -> bool:
        return self._pool is not None and self._warm is not None and self._warm.done()

    def prepare(self, block: CommittedBlock) -> None:
        """The app's ``finalized`` hook: pickle the staged ``block`` and start rendering it
        in the helper (if it is ready), against the parent hash it will have once the
        blocks before it are indexed."""
        self._prepared = None
        pool = self._pool  # the indexer thread drops it if the helper dies
        if pool is None or not self._helper_ready():
            return
        height, last_hash = self._last
        parent = last_hash if height == block.height - 1 else self.index.parent_hash(block.height)
        try:
            raw = pickle.dumps(block, protocol=5)
            rendered = pool.submit(_render_pickled, raw, parent, self.index.chain_id,
                                   self.index.events)
        except Exception:  # observe renders it the usual way (a pool shut down meanwhile, too)
            log.exception("starting to render block %d failed", block.height)
            return
        self._prepared = _Prepared(block.height, block.hash, raw, parent, rendered)

    def observe(self, block: CommittedBlock, outcome: object = None) -> None:
        """The app observer: journal the block and queue it for rendering (or for its rows,
        when ``prepare`` started rendering it)."""
        prepared, self._prepared = self._prepared, None
        if prepared is not None and (prepared.height, prepared.hash) != (block.height, block.hash):
            prepared = None
        self._last = (block.height, block.hash)
        raw: bytes | None = prepared.raw if prepared is not None else None
        try:
            if raw is None:
                raw = pickle.dumps(block, protocol=5)
            self.index.kv.write([(_JOURNAL + block.height.to_bytes(8, "big"), raw)])
        except Exception:  # an unpicklable block still gets indexed, just not journaled
            log.exception("journaling block %d failed", block.height)
        self._queue.put((block, raw, prepared))

    def _index(self, block: CommittedBlock, journal_key: bytes, raw: bytes | None,
               prepared: _Prepared | None = None) -> None:
        """Write ``block``: rendered by ``prepared`` or now in the helper (when it is ready
        and the block was pickled: ``raw``), else here."""
        try:
            news = None
            if prepared is not None:
                news = self._collect(block, journal_key, prepared.parent, prepared.rendered)
                self.rendered_early += news is not None
            elif self._helper_ready() and raw is not None:
                assert self._pool is not None
                parent = self.index.parent_hash(block.height)
                news = self._collect(block, journal_key, parent,
                                     self._pool.submit(_render_pickled, raw, parent, self.index.chain_id,
                                                       self.index.events))
            if news is None:
                news = self.index.index_block(block, extra=[(journal_key, None)])
        except Exception:
            log.exception("indexing block %d failed", block.height)
            return
        self.index.notify(news)

    def _collect(self, block: CommittedBlock, journal_key: bytes, parent: bytes,
                 rendered: Future[tuple[BlockNews, list[tuple[bytes, bytes]]]]) -> BlockNews | None:
        """Write the helper's rows for ``block``; None if it failed (then the thread renders
        from now on) or rendered against a parent the index does not hold."""
        try:
            news, rows = rendered.result()
        except Exception:
            log.exception("render process failed at height %d; rendering in the indexer thread", block.height)
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
            return None
        return self.index.write_rendered(block.height, parent, news, rows, extra=[(journal_key, None)])

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if isinstance(item, _Marker):
                item.event.set()
            elif isinstance(item, tuple):
                block, raw, prepared = item
                self._index(block, _JOURNAL + block.height.to_bytes(8, "big"), raw, prepared)

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
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _render_pickled(raw: bytes, parent: bytes, chain_id: int,
                    events: EventIndexing | None) -> tuple[BlockNews, list[tuple[bytes, bytes]]]:
    """``render_rows`` of the pickled block ``raw`` (in the render process)."""
    if gc.get_count()[0] > _COLLECT_AFTER:
        gc.collect()
    return render_rows(pickle.loads(raw), parent, chain_id, events)


def _warm_up() -> None:
    """Runs first in the render process: unpickling it imports this module, and with it the
    renderer (``store.render_rows``), the slow part of starting. What is loaded then stays
    (frozen: never scanned), and automatic collection stays off (``_render_pickled``
    collects now and then, between blocks)."""
    gc.freeze()
    gc.disable()


class _Marker:
    def __init__(self, event: threading.Event) -> None:
        self.event = event
