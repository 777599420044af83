"""``TxDecoder``: decodes ``eth_sendRawTransaction`` payloads (RLP and signature recovery,
``evm_bridge.txs.decode_tx``) for the JSON-RPC, in one helper process when it has one.

Recovering a sender is most of what the JSON-RPC spends on a tx; in the helper it runs on
another core instead of under the node process's GIL, beside CheckTx and FinalizeBlock.
Calls that arrive together (a JSON-RPC batch: each call reaches ``decode`` before any
resumes) go to the helper as one job. Answers are handed back in arrival order, job after
job, so a sender's txs reach the pool in the order they were sent. Fewer than
``min_batch`` at once, no helper, a helper not started yet (its imports take a moment) or
one that died: decoded on the loop, still in order.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from evm_bridge.api import EvmTx, EvmTxError
from evm_bridge.txs import decode_txs
from untrusted.lifeline import exit_with

log = logging.getLogger("pysei.rpc")

#: Fewer calls than this at once are decoded on the loop (a round trip costs more).
MIN_BATCH = 8

_Pending = list[tuple[bytes, "asyncio.Future[EvmTx]"]]


class TxDecoder:
    """``await decode(raw)`` -> the tx for chain ``chain_id``, or raises ``EvmTxError``.
    ``helper=True``: ``start()`` launches the helper process, ``close()`` stops it."""

    def __init__(self, chain_id: int, helper: bool, min_batch: int = MIN_BATCH) -> None:
        self.chain_id = chain_id
        self.helper = helper
        self.min_batch = min_batch
        self._pool: ProcessPoolExecutor | None = None
        self._warm: Future[object] | None = None
        self._pending: _Pending = []
        self._tail: asyncio.Task[None] | None = None
        #: Jobs the helper answered (the rest were decoded on the loop).
        self.helper_jobs = 0

    def start(self) -> None:
        if self.helper and self._pool is None:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"),
                                             initializer=exit_with, initargs=(os.getpid(),))
            self._warm = self._pool.submit(decode_txs, [], self.chain_id)  # imports the decoder there

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def decode(self, raw: bytes) -> EvmTx:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[EvmTx] = loop.create_future()
        self._pending.append((raw, answer))
        if len(self._pending) == 1:
            loop.call_soon(self._flush)
        return await answer

    def _flush(self) -> None:
        items, self._pending = self._pending, []
        self._tail = asyncio.ensure_future(self._answer(items, self._tail))

    async def _answer(self, items: _Pending, previous: asyncio.Task[None] | None) -> None:
        raws = [raw for raw, _ in items]
        results: list[EvmTx | EvmTxError] | None = None
        try:
            results = await self._elsewhere(raws)
            if previous is not None:
                await asyncio.shield(previous)  # earlier calls are answered first
            if results is None:
                results = decode_txs(raws, self.chain_id)
        except BaseException as e:  # never leave a caller waiting
            for _, answer in items:
                if not answer.done():
                    answer.set_exception(e if isinstance(e, Exception) else EvmTxError("cancelled"))
            if not isinstance(e, Exception):
                raise
            return
        for (_, answer), result in zip(items, results, strict=True):
            if answer.done():  # the caller went away
                continue
            if isinstance(result, EvmTx):
                answer.set_result(result)
            else:
                answer.set_exception(result)

    async def _elsewhere(self, raws: list[bytes]) -> list[EvmTx | EvmTxError] | None:
        """The helper's answers, or None to decode here."""
        pool = self._pool
        if pool is None or len(raws) < self.min_batch or self._warm is None or not self._warm.done():
            return None
        try:
            results = await asyncio.get_running_loop().run_in_executor(pool, decode_txs, raws, self.chain_id)
        except Exception:
            log.exception("the tx decoder process failed; decoding in the JSON-RPC's thread from now on")
            if self._pool is pool:
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            return None
        self.helper_jobs += 1
        return results
