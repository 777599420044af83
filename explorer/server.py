"""The explorer's HTTP server: aiohttp on its own asyncio loop in a background thread.

``start()`` binds and returns once serving (raising if the port is taken); ``close()``
stops and joins the thread. Every failure becomes a page saying what was wrong: 400 for
malformed input, 404 for unknown input, 503 when the node does not answer, 502 when it
refuses, 500 (logged, no trace shown) for a bug.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import WSMsgType, web

from explorer import account, addresses, block, decode, home, inputs, tx
from explorer.api import ExplorerConfig, PageError, RpcError
from explorer.chain import headers, latest_height
from explorer.client import NodeClient
from http_service import LoopThreadServer, split_address

log = logging.getLogger("pysei.explorer")

HERE = Path(__file__).resolve().parent
LIVE_POLL_S = 0.5
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["short"] = addresses.short
    env.filters["sei"] = lambda wei: decode.units(wei, decode.WEI_DECIMALS)
    env.filters["units"] = decode.units
    env.filters["checksum"] = decode.checksum
    env.tests["address"] = addresses.is_address
    return env


class Explorer:
    """The web application: routes and pages over one ``NodeClient``."""

    def __init__(self, config: ExplorerConfig) -> None:
        self.config = config
        self.client = NodeClient(config)
        self.env = templates()

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._timed, self._errors])
        r = app.router
        r.add_get("/", self.home)
        r.add_get("/block/{height}", self.block)
        r.add_get("/tx/{hash}", self.tx)
        r.add_get("/address/{address}", self.address)
        r.add_get("/validator/{address}", self.validator)
        r.add_get("/search", self.search)
        r.add_get("/live", self.live)
        r.add_static("/static", HERE / "static")
        app.on_cleanup.append(lambda _: self.client.close())
        return app

    def render(self, name: str, status: int = 200, **context: Any) -> web.Response:
        html = self.env.get_template(name).render(node=self.config.cometbft_rpc, **context)
        return web.Response(status=status, text=html, content_type="text/html")

    @web.middleware
    async def _timed(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Tells the render time in a ``Server-Timing`` header (pages, not the WebSocket)."""
        started = time.perf_counter()
        response = await handler(request)
        if isinstance(response, web.Response):
            response.headers["Server-Timing"] = f"render;dur={(time.perf_counter() - started) * 1000:.1f}"
        return response

    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException as e:
            if e.status < 400:
                raise
            return self.render("error.html", e.status, title=e.reason, message=f"no page at {request.path}")
        except PageError as e:
            return self.render("error.html", e.status, title=e.title, message=e.message)
        except RpcError as e:
            return self.render("error.html", 502, title="The node refused", message=e.text)
        except Exception:  # a bug costs one page, never the server, and shows no trace
            log.exception("explorer %s failed", request.path)
            return self.render("error.html", 500, title="Internal error",
                               message="the explorer failed to render this page; the node log has the details")

    # ---- pages ----

    async def home(self, request: web.Request) -> web.Response:
        return self.render("home.html", **await home.home(self.client, self.config.recent_blocks))

    async def block(self, request: web.Request) -> web.Response:
        height = inputs.height(request.match_info["height"])
        return self.render("block.html", **await block.block(self.client, height))

    async def tx(self, request: web.Request) -> web.Response:
        hash_ = inputs.tx_hash(request.match_info["hash"])
        return self.render("tx.html", tx=await tx.tx(self.client, hash_))

    async def address(self, request: web.Request) -> web.Response:
        data = await account.address(self.client, request.match_info["address"], self.config.address_scan_blocks)
        return self.render("address.html", **data)

    async def validator(self, request: web.Request) -> web.Response:
        data = await account.validator(self.client, request.match_info["address"], self.config.uptime_window)
        return self.render("validator.html", v=data)

    async def search(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(inputs.search_target(request.query.get("q", "")))

    # ---- live ----

    async def live(self, request: web.Request) -> web.WebSocketResponse:
        """Pushes ``{"blocks": [...], "txs": [...]}`` (newest first) as blocks are committed, and
        ``{"down": "..."}`` while the node does not answer."""
        ws = web.WebSocketResponse(heartbeat=30)
        await ws.prepare(request)
        since = request.query.get("since", "")
        seen = int(since) if since.isdigit() and len(since) < 19 else 0
        reader = asyncio.ensure_future(_drain(ws))
        try:
            while not ws.closed and not reader.done():
                try:
                    top = await latest_height(self.client)
                    if top > seen:
                        rows = await headers(self.client, max(seen + 1, top - self.config.recent_blocks + 1), top)
                        txs = await home.latest_txs(self.client, rows)
                        occ = await block.occ_summaries(self.client, [r.height for r in rows])
                        await ws.send_json({
                            "blocks": [{**r.as_json(), "occ": occ.get(r.height, "—")} for r in rows],
                            "txs": [{"height": h, "link": t.link, "kind": t.kind} for h, t in txs],
                        })
                        seen = top
                except PageError as e:
                    await ws.send_json({"down": e.message})
                except RpcError as e:
                    await ws.send_json({"down": e.text})
                await asyncio.sleep(LIVE_POLL_S)
        except (ConnectionResetError, RuntimeError):
            pass
        finally:
            reader.cancel()
        return ws


async def _drain(ws: web.WebSocketResponse) -> None:
    """Reads (and ignores) what the browser sends, so a close is noticed."""
    async for msg in ws:
        if msg.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
            break


class ExplorerServer(LoopThreadServer):
    """Serves an ``Explorer`` on ``config.address`` from a background thread."""

    thread_name = "explorer"

    def __init__(self, config: ExplorerConfig) -> None:
        super().__init__({"http": config.address})
        self.config = config

    @property
    def port(self) -> int:
        return self.ports.get("http", 0)

    async def build_app(self) -> web.Application:
        return Explorer(self.config).app()

    async def on_started(self) -> None:
        host, _ = split_address(self.config.address)
        log.info("explorer serving http://%s:%d", host, self.port)
