"""Driving one node with one load: the txs go out as JSON-RPC batches over keep-alive
connections (``testnet.pipelined.send_batches``), a poller sees each new block as it
appears and which sent txs it holds, and at the end every sender's nonce is checked."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from testnet.chainstate import next_sequence
from testnet.manifest import LoadAccount
from testnet.pipelined import send_batches, send_raw
from testnet.rpc import block_time as cometbft_time
from testnet.txgen import NATIVE

from . import procs
from .loads import Load
from .nodes import Node, batch

POLL_S = 0.05
COMETBFT_BATCH = 10  # CometBFT's default max_request_batch_size


@dataclass
class Run:
    """What one load did on one node (times from ``time.perf_counter``)."""

    load: str
    node: str
    size: int
    sent_at: dict[str, float] = field(default_factory=dict)
    included_at: dict[str, float] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    block_seen: dict[int, float] = field(default_factory=dict)
    block_txs: dict[int, int] = field(default_factory=dict)
    #: Each seen block's own time (CometBFT's header time, else the Ethereum timestamp), s.
    block_time: dict[int, float] = field(default_factory=dict)
    first_send: float = 0.0
    #: ``first_send`` on the wall clock (``time.time``), to place block times against it
    first_send_wall: float = 0.0
    last_send: float = 0.0
    #: When the load's EVM batches were all answered, and (the mix) its second half's.
    evm_done: float = 0.0
    side_done: float = 0.0
    nonce_errors: list[str] = field(default_factory=list)
    cpu_s: dict[str, float] = field(default_factory=dict)
    abci_calls: dict[str, float] = field(default_factory=dict)


def broadcast(raw: bytes) -> tuple[str, Any]:
    """CometBFT's JSON-RPC call for a native tx."""
    return "broadcast_tx_sync", {"tx": base64.b64encode(raw).decode()}


async def _rpc(session: aiohttp.ClientSession, url: str, body: object) -> Any:
    async with session.post(url, json=body) as resp:
        return await resp.json(content_type=None)


async def _block_hashes(session: aiohttp.ClientSession, node: Node, height: int, native: bool,
                        run: Run) -> list[str]:
    out = await _rpc(session, node.eth_url, {"jsonrpc": "2.0", "id": 1, "method": "eth_getBlockByNumber",
                                             "params": [hex(height), False]})
    block = out.get("result") or {}
    hashes = list(block.get("transactions", []))
    if "timestamp" in block:
        run.block_time[height] = int(block["timestamp"], 16)
    if node.cometbft_url:
        # The block (its txs) only when native txs are to be found in it; else its header, for
        # the time: the poller asks of each node only what the load needs.
        method = "block" if native else "header"
        got = (await _rpc(session, node.cometbft_url, {"jsonrpc": "2.0", "id": 1, "method": method,
                                                      "params": {"height": str(height)}}))["result"]
        header = got["block"]["header"] if native else got["header"]
        run.block_time[height] = cometbft_time(header["time"])
        if native:
            txs = got["block"]["data"]["txs"] or []
            hashes += [hashlib.sha256(base64.b64decode(t)).hexdigest().upper() for t in txs]
    return hashes


async def _watch(node: Node, run: Run, sending: asyncio.Task, native: bool, timeout: float) -> None:
    async with aiohttp.ClientSession() as session:
        seen = int((await _rpc(session, node.eth_url, {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber",
                                                        "params": []}))["result"], 16)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if sending.done() and all(h in run.included_at for h in run.sent_at):
                return
            await asyncio.sleep(POLL_S)
            top = int((await _rpc(session, node.eth_url, {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber",
                                                           "params": []}))["result"], 16)
            for h in range(seen + 1, top + 1):
                now = time.perf_counter()
                run.block_seen[h] = now
                hashes = await _block_hashes(session, node, h, native, run)
                run.block_txs[h] = len(hashes)
                for x in hashes:
                    run.included_at.setdefault(x, now)
            seen = max(seen, top)


async def _drive(node: Node, load: Load, batch_size: int, connections: int, timeout: float, run: Run) -> None:
    def record(sent: float, answer: dict[str, Any]) -> None:
        result = answer.get("result")
        if isinstance(result, str):
            run.sent_at[result] = sent
        elif isinstance(result, dict) and int(result.get("code", 1)) == 0:
            run.sent_at[result["hash"]] = sent
        else:
            run.rejected.append(str(answer.get("error") or result)[:200])

    async def evm() -> None:
        await send_batches(node.eth_url, load.evm, batch_size, connections, record)
        run.evm_done = time.perf_counter()

    async def side() -> None:
        # the mix's second half: one connection per lane of senders, so each sender's
        # sequences arrive in order; native txs to CometBFT, else ETH transfers the same way
        url, call = (node.eth_url, send_raw) if load.side_evm else (node.cometbft_url, broadcast)
        await asyncio.gather(*[send_batches(url, lane, COMETBFT_BATCH, 1, record, call=call)
                               for lane in load.lanes(connections) if lane])
        run.side_done = time.perf_counter()

    async def send() -> None:
        run.first_send, run.first_send_wall = time.perf_counter(), time.time()
        await asyncio.gather(evm(), side())
        run.last_send = time.perf_counter()

    sending = asyncio.create_task(send())
    await _watch(node, run, sending, bool(load.side) and not load.side_evm, timeout)
    await sending


def drive(node: Node, load: Load, accounts: list[LoadAccount], *, batch_size: int = 100,
          connections: int = 4, timeout: float = 300) -> Run:
    """Send ``load`` to ``node``, wait until every accepted tx is in a block (or ``timeout``),
    then check every sender's nonce."""
    run = Run(load.name, node.name, load.size)
    pids = node.processes()
    before, calls = procs.cpu_seconds(pids), node.abci_calls()
    asyncio.run(_drive(node, load, batch_size, connections, timeout, run))
    after = procs.cpu_seconds(pids)
    run.abci_calls = {k: v - calls.get(k, 0.0) for k, v in node.abci_calls().items() if v - calls.get(k, 0.0)}
    for pid, name in pids.items():
        key = "app" if pid == node.pid and node.cometbft_url else name
        key = "helpers" if key.startswith("python") else key
        run.cpu_s[key] = run.cpu_s.get(key, 0.0) + after.get(pid, 0.0) - before.get(pid, 0.0)
    run.nonce_errors = check_nonces(node, load, accounts)
    return run


def evm_nonces(node: Node, addresses: list[bytes]) -> list[int]:
    out: list[int] = []
    for i in range(0, len(addresses), 100):
        got = batch(node.eth_url, [("eth_getTransactionCount", ["0x" + a.hex(), "latest"])
                                   for a in addresses[i: i + 100]])
        out += [int(str(x), 16) for x in got]
    return out


def cosmos_sequences(node: Node, accounts: list[LoadAccount]) -> list[int]:
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda a: next_sequence(node.cometbft_url, a, NATIVE), accounts))


def check_nonces(node: Node, load: Load, accounts: list[LoadAccount]) -> list[str]:
    """One line per sender whose nonce (or sequence) is not the one the load leads to."""
    errors = []
    addrs = list(load.expect_evm)
    for a, got in zip(addrs, evm_nonces(node, addrs), strict=True):
        if got != load.expect_evm[a]:
            errors.append(f"0x{a.hex()}: nonce {got}, expected {load.expect_evm[a]}")
    idx = list(load.expect_cosmos)
    for i, got in zip(idx, cosmos_sequences(node, [accounts[i] for i in idx]), strict=True):
        if got != load.expect_cosmos[i]:
            errors.append(f"{accounts[i].address}: sequence {got}, expected {load.expect_cosmos[i]}")
    return errors
