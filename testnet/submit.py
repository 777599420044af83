"""Submitting signed txs at a target rate: CometBFT ``broadcast_tx_sync`` or, for EVM txs,
JSON-RPC ``eth_sendRawTransaction``. One asyncio loop with aiohttp keeps >1,000 tx/s going;
a sender's txs are sent one after the other so they reach CheckTx in nonce order."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import aiohttp

from testnet.txgen import NATIVE, LoadTx

CONCURRENCY = 128


@dataclass
class Submission:
    """What happened to each tx: wall-clock send time and CheckTx outcome."""

    sent_at: dict[str, float] = field(default_factory=dict)
    accepted: list[LoadTx] = field(default_factory=list)
    rejected: list[tuple[LoadTx, str]] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0


@dataclass(frozen=True)
class Endpoints:
    cometbft: Sequence[str]  # per node
    jsonrpc: Sequence[str] | None = None  # per node, when EVM txs go through eth_sendRawTransaction


async def _post(session: aiohttp.ClientSession, url: str, method: str, params: object) -> dict:
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    async with session.post(url, json=body) as resp:
        return await resp.json(content_type=None)


async def _send_one(session: aiohttp.ClientSession, tx: LoadTx, ends: Endpoints) -> str | None:
    """None when accepted, else the reason."""
    if ends.jsonrpc is not None and tx.kind != NATIVE:
        out = await _post(session, ends.jsonrpc[tx.node], "eth_sendRawTransaction", ["0x" + tx.raw.hex()])
        return None if "result" in out else str(out.get("error"))
    out = await _post(session, ends.cometbft[tx.node], "broadcast_tx_sync",
                      {"tx": base64.b64encode(tx.raw).decode()})
    if "error" in out:
        return str(out["error"])
    res = out["result"]
    return None if int(res["code"]) == 0 else f"code {res['code']}: {res.get('log', '')}"


async def _submit(txs: Sequence[LoadTx], ends: Endpoints, rate: float, deadline: float) -> Submission:
    sub = Submission()
    limit = asyncio.Semaphore(CONCURRENCY)
    previous: dict[int, asyncio.Task] = {}
    conn = aiohttp.TCPConnector(limit=CONCURRENCY)
    timeout = aiohttp.ClientTimeout(total=30)

    async def one(tx: LoadTx, before: asyncio.Task | None) -> None:
        if before is not None:
            await asyncio.shield(before)
        async with limit:
            sub.sent_at[tx.hash] = time.time()
            try:
                reason = await _send_one(session, tx, ends)
            except (TimeoutError, aiohttp.ClientError) as e:
                reason = f"{type(e).__name__}: {e}"
        if reason is None:
            sub.accepted.append(tx)
        else:
            sub.rejected.append((tx, reason))

    async with aiohttp.ClientSession(connector=conn, timeout=timeout) as session:
        sub.started = t0 = time.time()
        tasks = []
        for j, tx in enumerate(txs):
            due = t0 + j / rate
            if due > deadline:
                break
            delay = due - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(one(tx, previous.get(tx.sender)))
            previous[tx.sender] = task
            tasks.append(task)
        await asyncio.gather(*tasks)
    sub.finished = time.time()
    return sub


def submit(txs: Sequence[LoadTx], ends: Endpoints, rate: float, max_seconds: float) -> Submission:
    """Send ``txs`` at ``rate`` per second; stop launching new ones after ``max_seconds``."""
    return asyncio.run(_submit(txs, ends, rate, time.time() + max_seconds))


def submit_in_order(txs: Sequence[LoadTx], ends: Endpoints) -> Submission:
    """One by one (a single sender's setup txs)."""
    return asyncio.run(_submit_serial(txs, ends))


async def _submit_serial(txs: Sequence[LoadTx], ends: Endpoints) -> Submission:
    sub = Submission(started=time.time())
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        for tx in txs:
            sub.sent_at[tx.hash] = time.time()
            reason = await _send_one(session, tx, ends)
            if reason is None:
                sub.accepted.append(tx)
            else:
                sub.rejected.append((tx, reason))
    sub.finished = time.time()
    return sub
