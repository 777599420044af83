"""The REST server: a ``LoopThreadServer`` (aiohttp on its own loop thread).

App queries run on a small thread pool, so the loop never waits on the state store and the
consensus path never waits on HTTP clients. Every failure answers the SDK's error body;
nothing a client sends can stop the server.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiohttp import web

from cosmos_api import auth, bank, errors, gateway, openapi, staking, tendermint, tx, wasm
from cosmos_api.api import AbciQuery, Context, QueryAnswer, Request, RestConfig
from cosmos_api.comet import CometClient
from cosmos_api.routes import Router, table
from http_service import LoopThreadServer

log = logging.getLogger("pysei.rest")

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Authorization, x-cosmos-block-height",
    "Access-Control-Max-Age": "600",
}
HEIGHT_HEADER = "x-cosmos-block-height"
OPENAPI_PATH = "/openapi.json"


def default_router() -> Router:
    """Every route this package serves."""
    return table(bank.ROUTES, auth.ROUTES, staking.ROUTES, wasm.ROUTES, tx.ROUTES, tendermint.ROUTES, gateway.ROUTES)


class RestServer(LoopThreadServer):
    """The Cosmos REST API on ``config.address``."""

    thread_name = "cosmos-rest"

    def __init__(self, config: RestConfig, abci_query: AbciQuery, router: Router | None = None) -> None:
        super().__init__({"http": config.address}, ThreadPoolExecutor(config.query_threads, thread_name_prefix="rest"))
        self.config = config
        self.abci_query = abci_query
        self.router = router or default_router()
        self._ctx: Context | None = None

    # ---- lifecycle (LoopThreadServer) ----

    @property
    def port(self) -> int:
        return self.ports.get("http", 0)

    async def build_app(self) -> web.Application:
        cfg = self.config
        self._ctx = Context(query=self._query, comet=CometClient(cfg.cometbft_rpc), config=cfg)
        # The body limit is checked by ``_body`` (aiohttp's own limit answers in plain text).
        app = web.Application(client_max_size=cfg.max_body_bytes + 1)
        app.router.add_route("*", "/{tail:.*}", self._http)
        return app

    async def on_started(self) -> None:
        log.info("Cosmos REST API serving %s", self.config.address)

    async def on_close(self) -> None:
        if self._ctx is not None:
            await self._ctx.comet.close()

    # ---- requests ----

    async def _query(self, path: str, data: bytes, height: int) -> QueryAnswer:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.abci_query, path, data, height)

    async def _http(self, request: web.Request) -> web.Response:
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=CORS)
        try:
            body = await self.answer(request)
            return _json(200, body)
        except errors.ApiError as e:
            return _json(e.http_status, e.body())
        except Exception:  # a bug must cost one request, never the server
            log.exception("REST %s %s failed", request.method, request.path)
            return _json(500, errors.ApiError(errors.INTERNAL, "internal error").body())

    async def answer(self, request: web.Request) -> Mapping[str, Any]:
        if request.method == "GET" and request.path == OPENAPI_PATH:
            return openapi.document(self.router, self.config.app_version)
        found = self.router.match(request.method, request.path)
        if found is None:
            raise errors.ApiError(errors.UNIMPLEMENTED, "Not Implemented")
        route, params = found
        req = Request(
            params=params,
            query=list(request.query.items()),
            body=await self._body(request),
            height=_height(request.headers.get(HEIGHT_HEADER, "")),
        )
        assert self._ctx is not None
        return await route.handler(self._ctx, req)

    async def _body(self, request: web.Request) -> bytes:
        limit = self.config.max_body_bytes
        if request.content_length is not None and request.content_length > limit:
            raise _too_large(limit)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            raise _too_large(limit) from None
        if len(body) > limit:
            raise _too_large(limit)
        return body


def _too_large(limit: int) -> errors.ApiError:
    return errors.ApiError(errors.RESOURCE_EXHAUSTED, f"request body larger than {limit} bytes", 413)


def _height(text: str) -> int:
    if not text:
        return 0
    if not text.isdigit() or len(text) > 19:
        raise errors.bad_request(f"invalid {HEIGHT_HEADER} header {text!r}")
    return int(text)


def _json(status: int, body: Mapping[str, Any] | Iterable[Any]) -> web.Response:
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return web.Response(status=status, text=text, content_type="application/json", headers=CORS)
