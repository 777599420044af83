"""``TxDecoder``: decodes ``eth_sendRawTransaction`` payloads (RLP and signature recovery,
``evm_bridge.txs.decode_tx``) for the JSON-RPC, in one helper process when it has one.
Given another batch decoder (``decode_many``: picklable, raws -> a result or an exception
each), it does the same for other txs (the CometBFT RPC front's native txs).

Recovering a sender is most of what the JSON-RPC spends on a tx; in the helper it runs on
another core instead of under the node process's GIL, beside CheckTx and FinalizeBlock.
The helper is fed through two pipes that the loop itself writes and watches (no executor
threads): a job costs the loop a pickle, a write, a wake-up, a read and an unpickle.

The calls that reach ``decode`` together (a JSON-RPC batch, or requests read in one loop
turn) form a job. A job of at least ``min_batch`` calls goes to the helper, and so does any
job while others are there (the helper answers in order); a smaller one otherwise, or any
without a helper, before it is ready or once it died, is decoded on the loop. Single calls
stay on the loop under load: a request of one tx would then need the GIL twice (before and
after the helper) while consensus holds it for 5 ms at a time (measured, A/B in one run of
5,000 one-tx requests over 16 connections: 1,039 tx/s through the helper, 1,198 on the
loop, the app's CPU per tx the same). Answers are handed back in arrival order, job after
job, so a sender's txs reach the pool in the order they were sent. The helper drains its
job pipe on a thread of its own, so the loop's writes never wait on the helper's answers.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from evm_bridge.txs import decode_txs
from untrusted.lifeline import exit_with

log = logging.getLogger("pysei.rpc")

#: A job of at least this many calls goes to the helper. The loop's CPU per tx for a job of
#: k txs, helper against loop (in process, ETH transfers): k=4 53 / 116 us, k=8 31 / 138,
#: k=32 18 / 91; below 8 the helper saves the loop little and costs each caller a wake-up.
MIN_BATCH = 8

_Pending = list[tuple[bytes, "asyncio.Future[Any]"]]
#: Decodes a batch of raw txs: one result per tx, or the exception that refuses it.
DecodeMany = Callable[[list[bytes]], list[Any]]


class TxDecoder:
    """``await decode(raw)`` -> the tx for chain ``chain_id``, or raises ``EvmTxError``
    (or ``decode_many``'s result, or raises its exception). ``helper=True``: ``start()``
    launches the helper process, ``close()`` stops it."""

    def __init__(self, chain_id: int, helper: bool, min_batch: int = MIN_BATCH,
                 decode_many: DecodeMany | None = None, helper_decode: DecodeMany | None = None,
                 name: str = "pysei-tx-decoder") -> None:
        """``decode_many`` decodes on the loop; ``helper_decode`` (picklable, the same
        answers; ``decode_many`` by default) in the helper."""
        self.chain_id = chain_id
        self.decode_many: DecodeMany = decode_many or functools.partial(decode_txs, chain_id=chain_id)
        self.helper_decode: DecodeMany = helper_decode or self.decode_many
        self.name = name
        self.helper = helper
        self.min_batch = min_batch
        self._proc: BaseProcess | None = None
        self._jobs: Connection | None = None  # write end: raws to the helper
        self._results: Connection | None = None  # read end: its answers
        self._ready = False
        self._pending: _Pending = []
        self._in_flight: deque[_Pending] = deque()  # the jobs in the helper, oldest first
        self._scheduled = False
        #: Jobs the helper answered (the rest were decoded on the loop).
        self.helper_jobs = 0

    # ---- the helper's life ----

    def start(self) -> None:
        if not self.helper or self._proc is not None:
            return
        ctx = multiprocessing.get_context("forkserver")
        jobs_in, jobs_out = ctx.Pipe(duplex=False)
        results_in, results_out = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_serve, args=(jobs_in, results_out, self.helper_decode, os.getpid()),
                           name=self.name, daemon=True)
        proc.start()
        jobs_in.close()
        results_out.close()
        self._proc, self._jobs, self._results = proc, jobs_out, results_in

    def wait_ready(self, timeout: float) -> bool:
        """Block until the helper has started (its imports take a moment); False if it did
        not within ``timeout`` seconds or there is none."""
        if self._results is not None and not self._ready and self._results.poll(timeout):
            self._take_ready()
        return self._ready

    def close(self) -> None:
        proc, self._proc = self._proc, None
        for conn in (self._jobs, self._results):
            if conn is not None:
                conn.close()
        self._jobs = self._results = None
        self._ready = False
        if proc is not None:
            proc.terminate()
            proc.join(timeout=5)

    def _helper_ready(self) -> bool:
        if not self._ready and self._results is not None:
            try:
                if self._results.poll(0):
                    self._take_ready()
            except OSError:
                self._lose_helper("it could not be reached")
        return self._ready

    def _take_ready(self) -> None:
        assert self._results is not None
        try:
            self._results.recv_bytes()
            self._ready = True
        except (EOFError, OSError):
            self._lose_helper("it exited while starting")

    def _lose_helper(self, why: str) -> None:
        if self._proc is not None:
            log.error("the %s process failed (%s); decoding in its server's thread from now on", self.name, why)
        self.close()

    # ---- decoding ----

    async def decode(self, raw: bytes) -> Any:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Any] = loop.create_future()
        self._pending.append((raw, answer))
        if not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._flush, loop)
        return await answer

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        self._scheduled = False
        if not self._pending:
            return
        items, self._pending = self._pending, []
        if (len(items) >= self.min_batch or self._in_flight) and self._helper_ready() and self._send(items, loop):
            return
        _answer(items, self.decode_many([raw for raw, _ in items]))

    def _send(self, items: _Pending, loop: asyncio.AbstractEventLoop) -> bool:
        assert self._jobs is not None and self._results is not None
        try:
            self._jobs.send_bytes(pickle.dumps([raw for raw, _ in items], protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as e:
            self._fail_in_flight(loop, e)
            return False
        if not self._in_flight:
            loop.add_reader(self._results.fileno(), self._on_answers, loop)
        self._in_flight.append(items)
        return True

    def _on_answers(self, loop: asyncio.AbstractEventLoop) -> None:
        """The helper's answers to the oldest job in it (the pipe is readable)."""
        assert self._results is not None
        try:
            # A loop may make a watched descriptor non-blocking (uvloop does): an answer
            # larger than the pipe's buffer is read whole only by blocking reads.
            os.set_blocking(self._results.fileno(), True)
            results = pickle.loads(self._results.recv_bytes())
        except Exception as e:  # noqa: BLE001 - a broken pipe or answer: the loop decodes from now on
            self._fail_in_flight(loop, e)
            return
        items = self._in_flight.popleft()
        self.helper_jobs += 1
        if not self._in_flight:
            loop.remove_reader(self._results.fileno())
        _answer(items, results)

    def _fail_in_flight(self, loop: asyncio.AbstractEventLoop, error: BaseException) -> None:
        """The helper cannot be written or read: stop watching it, let it go, and decode the
        jobs it held on the loop, oldest first."""
        jobs = list(self._in_flight)
        self._in_flight.clear()
        if jobs and self._results is not None:
            loop.remove_reader(self._results.fileno())
        self._lose_helper(f"{type(error).__name__}: {error}")
        for job in jobs:
            _answer(job, self.decode_many([raw for raw, _ in job]))


def _answer(items: _Pending, results: list[Any]) -> None:
    for (_, answer), result in zip(items, results, strict=True):
        if answer.done():  # the caller went away
            continue
        if isinstance(result, BaseException):
            answer.set_exception(result)
        else:
            answer.set_result(result)


def _serve(jobs: Connection, results: Connection, decode_many: DecodeMany, served: int) -> None:
    """The helper process: answer each job (pickled raws) with ``decode_many``'s results."""
    exit_with(served)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the node decides when to stop
    waiting: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    threading.Thread(target=_drain, args=(jobs, waiting), name="jobs", daemon=True).start()
    decode_many([])  # whatever the decoder builds once (a native codec's modules)
    results.send_bytes(b"")  # ready: this module, and with it the decoder, is imported
    while (job := waiting.get()) is not None:
        results.send_bytes(pickle.dumps(decode_many(pickle.loads(job)), protocol=pickle.HIGHEST_PROTOCOL))


def _drain(jobs: Connection, waiting: queue.SimpleQueue[bytes | None]) -> None:
    """Read every job as it comes (the node's writes never wait on this process's answers)."""
    try:
        while True:
            waiting.put(jobs.recv_bytes())
    except (EOFError, OSError):
        waiting.put(None)
