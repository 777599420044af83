"""The pipelined load of load tools, bots and ``forge script --broadcast``: many senders,
each sender's txs in nonce order, sent as JSON-RPC batches over a few keep-alive
connections, so one sender's txs are in flight on several connections at once."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from typing import Any

import aiohttp

from testnet.manifest import Localnet
from testnet.txgen import evm_call


def sign_pipelined(net: Localnet, senders: int, per_sender: int) -> list[bytes]:
    """``per_sender`` 1-wei transfers from each of the first ``senders`` funded accounts,
    nonce round after round (every sender's nonce 0, then every nonce 1, ...)."""
    accounts = net.accounts()[:senders]
    to = [hashlib.sha256(b"e2e-pipelined-to-%d" % i).digest()[:20] for i in range(senders)]
    return [evm_call(a, n, to[i], net.evm_chain_id, value=1)
            for n in range(per_sender) for i, a in enumerate(accounts)]


Answer = Callable[[float, dict[str, Any]], None]
Call = Callable[[bytes], tuple[str, Any]]


def send_raw(raw: bytes) -> tuple[str, Any]:
    """The JSON-RPC call sending one Ethereum tx."""
    return "eth_sendRawTransaction", ["0x" + raw.hex()]


async def send_batches(url: str, raws: list[bytes], batch: int, connections: int,
                       on_answer: Answer | None = None, call: Call = send_raw) -> list[tuple[float, dict[str, Any]]]:
    """Send ``raws`` (through ``eth_sendRawTransaction``, or the method and params ``call``
    makes of a tx) in JSON-RPC batches of ``batch`` calls; each of ``connections``
    keep-alive connections takes the next batch once its last one is answered. Returns
    every answer with the time its batch was sent (also handed to ``on_answer`` as it
    arrives)."""
    queue = [raws[i: i + batch] for i in range(0, len(raws), batch)][::-1]
    answers: list[tuple[float, dict[str, Any]]] = []

    async def connection(session: aiohttp.ClientSession) -> None:
        while queue:
            chunk = queue.pop()
            body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": p}
                    for i, (m, p) in enumerate(map(call, chunk))]
            sent = time.perf_counter()
            async with session.post(url, json=body) as resp:
                out = await resp.json(content_type=None)
            for answer in out if isinstance(out, list) else [out]:
                item = (sent, answer if isinstance(answer, dict) else {"error": answer})
                answers.append(item)
                if on_answer is not None:
                    on_answer(*item)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections)) as session:
        await asyncio.gather(*(connection(session) for _ in range(connections)))
    return answers
