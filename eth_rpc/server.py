"""The JSON-RPC server: a ``LoopThreadServer`` (aiohttp on its own asyncio loop thread).

HTTP on ``http_address`` (POST JSON-RPC; a WebSocket upgrade on the same port works too,
like geth) and WebSocket on ``ws_address``. Browser dapps get CORS headers. Bodies over
``max_body_bytes`` get HTTP 413 with a JSON-RPC error. ``start()`` binds and returns once
serving (raising if a port is taken); ``close()`` stops and joins the thread.

New blocks arrive on the consensus thread (``on_block``, an index listener) and are
handed to the loop with ``call_soon_threadsafe``: filters, subscriptions and the
mempool view are only ever touched on the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import WSMsgType, web

from eth_rpc.backend import Backend
from eth_rpc.cometbft import CometClient
from eth_rpc.dispatch import Dispatcher, dumps, error_response
from eth_rpc.errors import INVALID_REQUEST, RpcError
from eth_rpc.filters import FilterManager
from eth_rpc.index import BlockNews
from eth_rpc.intake import TxIntake
from eth_rpc.mempool import Mempool
from eth_rpc.method_table import build_method_table
from eth_rpc.subscriptions import Connection, SubscriptionHub
from eth_rpc.tx_decoder import TxDecoder
from http_service import LoopThreadServer

log = logging.getLogger("pysei.rpc")

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, GET, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization",
    "Access-Control-Max-Age": "600",
}
_WS_QUEUE = 10_000
#: How often the mempool is read for pending-tx subscribers and filters (when any exist).
MEMPOOL_POLL_S = 1.0


class RpcServer(LoopThreadServer):
    """The JSON-RPC on ``http_address`` and ``ws_address`` (one socket when they are equal)."""

    thread_name = "evm-rpc"
    join_timeout_s = 15.0

    def __init__(self, backend: Backend) -> None:
        cfg = backend.config
        super().__init__(
            {"http": cfg.http_address, "ws": cfg.ws_address},
            ThreadPoolExecutor(cfg.worker_threads, thread_name_prefix="rpc"),
        )
        self.backend = backend
        self.dispatcher = Dispatcher(backend, build_method_table(), self.executor, cfg.max_batch)
        self._poller: asyncio.Task[None] | None = None

    # ---- lifecycle (LoopThreadServer) ----

    async def make_runner(self) -> web.BaseRunner:
        """aiohttp's low-level server: every request goes to ``_http``, without the
        application and router layers (a minimal handler on this machine: 61 -> 42 us of
        server CPU per request)."""
        b, cfg = self.backend, self.backend.config
        if b.comet is None:
            b.comet = CometClient(cfg.cometbft_rpc, lanes=cfg.broadcast_lanes)
        b.mempool = Mempool(b.comet, cfg.evm_chain_id, b.pool)
        b.intake = TxIntake(cfg.tx_intake, b.comet, b.submit_local, b.admit)
        b.decoder = TxDecoder(cfg.evm_chain_id, cfg.decode_helper)
        b.decoder.start()
        b.filters = FilterManager(b.index, cfg.filter_timeout_s, cfg.max_filters, cfg.max_log_blocks)
        b.hub = SubscriptionHub(cfg.max_subscriptions)
        loop = asyncio.get_running_loop()

        def request(message: Any, payload: Any, protocol: Any, writer: Any, task: Any) -> web.BaseRequest:
            return web.BaseRequest(message, payload, protocol, writer, task, loop, client_max_size=cfg.max_body_bytes)

        server = web.Server(self._http, request_factory=request, access_log=None)  # no line per request
        return web.ServerRunner(server, handle_signals=False)

    async def on_started(self) -> None:
        self._poller = asyncio.get_running_loop().create_task(self._watch_mempool())
        cfg = self.backend.config
        log.info("JSON-RPC serving http=%s ws=%s", cfg.http_address, cfg.ws_address)

    async def _watch_mempool(self) -> None:
        """Announce txs that reached the mempool through other nodes or CometBFT's RPC."""
        b = self.backend
        while True:
            await asyncio.sleep(MEMPOOL_POLL_S)
            if not (b.hub.wants_pending() or b.filters.wants_pending()):
                continue
            try:
                txs = await b.mempool.evm_txs()
            except Exception:
                continue
            for tx in txs:
                if b.mempool.first_sighting(tx.hash):
                    b.hub.publish_pending(tx.hash)
                    b.filters.add_pending(tx.hash)

    async def on_close(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
        if self.backend.decoder is not None:
            self.backend.decoder.close()
        if self.backend.comet is not None:
            await self.backend.comet.close()

    # ---- blocks from the consensus thread ----

    def on_block(self, block: BlockNews) -> None:
        loop = self.loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(self._publish, block)

    def _publish(self, block: BlockNews) -> None:
        b = self.backend
        b.mempool.forget([bytes.fromhex(h[2:]) for h in block.tx_hashes])
        b.hub.publish_block(block)
        b.filters.expire()

    # ---- HTTP ----

    async def _http(self, request: web.BaseRequest) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self._ws(request)
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=CORS)
        if request.method != "POST":
            return web.Response(status=405, text="JSON-RPC: use POST (or a WebSocket)\n", headers=CORS)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            err = RpcError(INVALID_REQUEST, f"request body too large (limit {self.backend.config.max_body_bytes} bytes)")
            return web.Response(status=413, body=dumps(error_response(err)), content_type="application/json", headers=CORS)
        answer = await self.dispatcher.handle_body(body)
        return web.Response(body=answer or b"", content_type="application/json", headers=CORS)

    # ---- WebSocket ----

    async def _ws(self, request: web.BaseRequest) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=self.backend.config.max_body_bytes, heartbeat=30)
        await ws.prepare(request)
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()

        def push(msg: dict[str, Any]) -> None:
            if queue.qsize() >= _WS_QUEUE:
                queue.put_nowait(None)  # too slow a reader: close it
                return
            queue.put_nowait(dumps(msg))

        conn = Connection(push)
        writer = asyncio.create_task(self._ws_writer(ws, queue))
        hub = self.backend.hub
        pending: set[asyncio.Task[None]] = set()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT or msg.type == WSMsgType.BINARY:
                    task = asyncio.create_task(self._ws_answer(msg.data, conn, queue))
                    pending.add(task)
                    task.add_done_callback(pending.discard)
                elif msg.type == WSMsgType.ERROR:
                    break
        finally:
            hub.drop(conn)
            for task in list(pending):
                task.cancel()
            queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await writer
        return ws

    async def _ws_answer(self, data: str | bytes, conn: Connection, queue: asyncio.Queue[bytes | None]) -> None:
        answer = await self.dispatcher.handle_body(data, conn)
        if answer is not None:
            queue.put_nowait(answer)

    async def _ws_writer(self, ws: web.WebSocketResponse, queue: asyncio.Queue[bytes | None]) -> None:
        while True:
            item = await queue.get()
            if item is None or ws.closed:
                await ws.close()
                return
            await ws.send_str(item.decode())
