"""This node's CometBFT RPC address, served by the app: broadcasts admitted locally on a
lone validator, every other request passed to CometBFT unchanged.

``pysei start`` (unless ``cosmos_tx_intake = "mempool"``) moves CometBFT's own RPC to a
private loopback port and serves the address clients know (config.toml's ``rpc.laddr``)
here. A JSON-RPC POST whose calls are all ``broadcast_tx_sync`` / ``broadcast_tx_async``
is answered by the app itself while the intake is local (``eth_rpc.intake.TxIntake``:
``auto`` is local while CometBFT reports no peers and voting power for this node): each tx
goes through CheckTx's rules into this node's pools (``CheckState.admit_local``) and is
proposed from there, with no per-tx round trip through CometBFT's RPC, mempool and ABCI
socket (most of CometBFT's CPU per native tx; see the README's bench section). The answer
has CometBFT's shape: ``{code, data, log, codespace, hash}``, and its errors for a tx the
node holds already or a full pool. With ``open_index`` (``tx_index``: the node indexes its
txs' event attributes), a ``tx_search`` on event attributes is answered from that index
(``cometbft_tx_search.py``: POST, alone or in a batch, GET ``/tx_search``, and over the
WebSocket). Everything else (other methods, URI (GET) calls,
``broadcast_tx_commit``, bodies that do not parse, the ``/websocket`` endpoint) goes to
CometBFT as it came, and its answer back as it came.

A batch's txs are admitted together by ``admit_batch``: in this process
(``local_admission``: decoded in the decoder's helper first if given, ``native_decoder.py``,
then checked one by one on the front's loop), or, when the front runs in its own process
(``front_process.py``), decoded there and sent to the app in one message.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web

from abci_app.application.txpool.native_local import LocalRefusal
from abci_app.node.cometbft_tx_search import METHOD as SEARCH_METHOD
from abci_app.node.cometbft_tx_search import (
    SearchArgs,
    SearchError,
    TxSearch,
    json_args,
    uri_args,
)
from eth_rpc.cometbft import CometClient
from eth_rpc.index.kv import IndexKV
from eth_rpc.index.tx_query import Condition
from eth_rpc.intake import TxIntake
from eth_rpc.tx_decoder import TxDecoder
from http_service import LoopThreadServer
from pysei_pb.tendermint.abci import types_pb2 as abci
from untrusted import json_text

log = logging.getLogger("pysei.front")

LOCAL_METHODS = frozenset({"broadcast_tx_sync", "broadcast_tx_async"})
#: The id CometBFT gives its answer to a URI (GET) call.
URI_ID = -1
#: Headers not passed along (hop by hop, or recomputed by aiohttp).
_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host", "upgrade"})
#: A forwarded call waits at most this long for CometBFT (its ``broadcast_tx_commit`` waits
#: ``timeout_broadcast_tx_commit``, 10 s by default, for the block).
FORWARD_TIMEOUT_S = 60.0
#: CometBFT's JSON-RPC internal error (its answer to a mempool refusal).
INTERNAL_ERROR = -32603
#: Seconds an idle connection to CometBFT is kept: below its idle close (10 s), so a
#: forwarded request never goes out on a connection it is closing.
KEEPALIVE_S = 5.0

#: ``admit(raw)``: CheckTx's answer for a tx taken as local; raises ``LocalRefusal``.
Admit = Callable[[bytes], abci.ResponseCheckTx]
#: ``keep(raw, result)``: hand a tx decoded by the front's decoder (or its refusal) to CheckTx.
Keep = Callable[[bytes, Any], None]
#: One tx's admission: CheckTx's ``(code, data, log, codespace)``, or why the pool took no
#: tx (a ``LocalRefusal``'s text, answered as CometBFT's JSON-RPC error).
Admission = tuple[int, bytes, str, str] | str
#: ``admit_batch(raws)``: each tx's admission, in order.
AdmitBatch = Callable[[list[bytes]], Awaitable[list[Admission]]]


def admit_each(admit: Admit, raws: list[bytes]) -> list[Admission]:
    """``admit`` each of ``raws`` in order; a failure of the check itself answers as
    CometBFT's ABCI fallback does (code 1), it does not fail the request."""
    out: list[Admission] = []
    for raw in raws:
        try:
            res = admit(raw)
        except LocalRefusal as e:
            out.append(str(e))
            continue
        except Exception:  # noqa: BLE001 - one tx's check must not fail the batch
            log.exception("local admission failed")
            res = abci.ResponseCheckTx(code=1, log="internal error")
        out.append((res.code, res.data, res.log, res.codespace))
    return out


def local_admission(admit: Admit, decoder: TxDecoder | None = None, keep: Keep | None = None) -> AdmitBatch:
    """Admission in this process: the batch decoded together by ``decoder`` (its helper)
    and each result kept for CheckTx (``keep``) first, when given."""

    async def admit_batch(raws: list[bytes]) -> list[Admission]:
        if decoder is not None and keep is not None:
            results = await asyncio.gather(*(decoder.decode(raw) for raw in raws), return_exceptions=True)
            for raw, result in zip(raws, results, strict=True):
                keep(raw, result)
        return admit_each(admit, raws)

    return admit_batch


def broadcast_result(raw: bytes, admission: tuple[int, bytes, str, str]) -> dict[str, Any]:
    """CometBFT's ``ResultBroadcastTx`` JSON for ``raw`` answered by CheckTx's ``admission``."""
    code, data, text, codespace = admission
    return {"code": code, "data": base64.b64encode(data).decode(), "log": text,
            "codespace": codespace, "hash": hashlib.sha256(raw).hexdigest().upper()}


def _calls(body: bytes, marker: bytes, max_batch: int) -> tuple[list[Any], bool] | None:
    """The calls of a JSON-RPC POST ``body`` that holds ``marker`` and whether it was a batch;
    None when it does not hold it, does not parse or is an empty or too large batch (the
    body then goes to CometBFT, which answers it as it would)."""
    if marker not in body:
        return None
    try:
        msg = json_text.loads(body)
    except (ValueError, RecursionError):
        return None
    batched = isinstance(msg, list)
    calls = msg if batched else [msg]
    if not calls or len(calls) > max_batch:
        return None
    return calls, batched


def search_calls(body: bytes, max_batch: int) -> tuple[list[Any], bool] | None:
    """``_calls`` of ``body`` when one of them is a ``tx_search``, else None."""
    parsed = _calls(body, SEARCH_METHOD.encode(), max_batch)
    if parsed is None or not any(isinstance(c, dict) and c.get("method") == SEARCH_METHOD for c in parsed[0]):
        return None
    return parsed


def local_calls(body: bytes, max_batch: int) -> tuple[list[tuple[Any, bytes]], bool] | None:
    """``([(id, raw tx)], batched)`` when every call of ``body`` is a broadcast this front
    answers, else None (the body goes to CometBFT, which answers what does not parse)."""
    parsed = _calls(body, b"broadcast_tx_", max_batch)
    if parsed is None:
        return None
    calls, batched = parsed
    out = []
    for call in calls:
        if not isinstance(call, dict) or call.get("jsonrpc") != "2.0" or call.get("method") not in LOCAL_METHODS:
            return None
        params = call.get("params")
        tx = params.get("tx") if isinstance(params, dict) else params[0] if isinstance(params, list) and len(params) == 1 else None
        if not isinstance(tx, str):
            return None
        try:
            raw = base64.b64decode(tx, validate=True)
        except (binascii.Error, ValueError):
            return None
        out.append((call.get("id"), raw))
    return out, batched


class CometFront(LoopThreadServer):
    """Serves ``address`` in front of CometBFT's RPC at ``comet_url``."""

    thread_name = "cometbft-front"

    def __init__(self, address: str, comet_url: str, mode: str, admit_batch: AdmitBatch, *,
                 max_body_bytes: int = 5_000_000, max_batch: int = 10,
                 open_index: Callable[[], IndexKV | None] | None = None) -> None:
        super().__init__({"http": address})
        self.comet_url = comet_url.rstrip("/")
        self.mode = mode
        self.admit_batch = admit_batch
        self.max_body_bytes = max_body_bytes
        self.max_batch = max_batch
        #: The node's index, when it answers event searches (``cometbft_tx_search``).
        self.open_index = open_index
        self._session: aiohttp.ClientSession | None = None
        self._comet: CometClient | None = None
        self._intake: TxIntake | None = None
        self._search: TxSearch | None = None

    @property
    def port(self) -> int:
        return self.ports.get("http", 0)

    async def build_app(self) -> web.Application:
        # bodies pass as they came (compressed or not); WebSockets stay open as long as the client
        self._session = aiohttp.ClientSession(auto_decompress=False,
                                              timeout=aiohttp.ClientTimeout(total=None, sock_connect=5),
                                              connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S))
        self._comet = CometClient(self.comet_url)
        # TxIntake decides local or mempool alike for both intakes; its submitter is unused here
        self._intake = TxIntake(self.mode, self._comet, submit_local=lambda tx: None)
        if self.open_index is not None:
            self._search = TxSearch(self.open_index, self._post_comet, self.max_batch)
        app = web.Application(client_max_size=self.max_body_bytes)
        app.router.add_route("*", "/websocket", self._websocket)
        app.router.add_route("*", "/{tail:.*}", self._http)
        return app

    async def on_close(self) -> None:
        if self._comet is not None:
            await self._comet.close()
        if self._session is not None:
            await self._session.close()

    # ---- HTTP ----

    async def _http(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if request.method == "POST" and request.path in ("/", ""):
            calls = local_calls(body, self.max_batch)
            if calls is not None and self._intake is not None and await self._intake.local():
                admitted = await self.admit_batch([raw for _, raw in calls[0]])
                answers = [_answer(i, raw, a) for (i, raw), a in zip(calls[0], admitted, strict=True)]
                return _json_response(answers if calls[1] else answers[0])
            searches = search_calls(body, self.max_batch) if self._search is not None else None
            if searches is not None:
                answered = await self._search_posted(*searches)
                if answered is not None:
                    return _json_response(answered)
        elif request.method == "GET" and request.path == "/" + SEARCH_METHOD and self._search is not None:
            try:
                args = uri_args(request.query)
            except SearchError as e:
                return _json_response(e.response(URI_ID))
            conditions = self._search.ours(args)
            if conditions is not None:
                return _json_response(await self._searched(URI_ID, args, conditions))
        return await self._forward(request, body)

    # ---- event searches (tx_search) ----

    async def _searched(self, call_id: Any, args: SearchArgs, conditions: list[Condition]) -> dict[str, Any]:
        assert self._search is not None
        try:
            return {"jsonrpc": "2.0", "id": call_id, "result": await self._search.answer(args, conditions)}
        except SearchError as e:
            return e.response(call_id)
        except (TimeoutError, aiohttp.ClientError) as e:
            return SearchError(f"consensus node unreachable: {type(e).__name__}").response(call_id)

    async def _search_posted(self, calls: list[Any], batched: bool) -> Any:
        """The answer to a POST of ``calls`` holding a ``tx_search``: the event searches
        answered here, the other calls by CometBFT (in one batch); None when none is an
        event search (the body then goes to CometBFT as it came)."""
        assert self._search is not None
        out: list[Any] = [None] * len(calls)
        rest: list[int] = []
        for i, call in enumerate(calls):
            if isinstance(call, dict) and call.get("jsonrpc") == "2.0" and call.get("method") == SEARCH_METHOD:
                try:
                    args = json_args(call.get("params"))
                except SearchError as e:
                    out[i] = e.response(call.get("id"))
                    continue
                conditions = self._search.ours(args)
                if conditions is not None:
                    out[i] = await self._searched(call.get("id"), args, conditions)
                    continue
            rest.append(i)
        if len(rest) == len(calls):
            return None
        if rest:
            try:
                answers = await self._post_comet([calls[i] for i in rest])
            except (TimeoutError, aiohttp.ClientError) as e:
                answers = [SearchError(f"consensus node unreachable: {type(e).__name__}").response(None)]
            answers = answers if isinstance(answers, list) else [answers]
            # CometBFT answers a batch in order, notifications (no id) not at all
            replies = iter(answers)
            for i in rest:
                if isinstance(calls[i], dict) and "id" not in calls[i]:
                    continue
                out[i] = next(replies, None)
        answered = [a for a in out if a is not None]
        return answered if batched else (answered[0] if answered else None)

    async def _post_comet(self, calls: list[dict[str, Any]]) -> Any:
        """A JSON-RPC batch to CometBFT's own RPC; its answer."""
        assert self._session is not None
        async with self._session.post(self.comet_url + "/", json=calls,
                                      timeout=aiohttp.ClientTimeout(total=FORWARD_TIMEOUT_S)) as resp:
            return json_text.loads(await resp.read())

    async def _forward(self, request: web.Request, body: bytes) -> web.StreamResponse:
        """Pass ``request`` to CometBFT. A read whose connection CometBFT had closed (idle, or
        both processes paused past its idle timeout) goes once more on a new one; a broadcast
        does not (it may have been taken)."""
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP}
        url = self.comet_url + request.rel_url.raw_path_qs
        retry = request.method in ("GET", "HEAD") or b"broadcast_tx" not in body
        while True:
            try:
                async with self._session.request(request.method, url, data=body or None, headers=headers,
                                                 allow_redirects=False,
                                                 timeout=aiohttp.ClientTimeout(total=FORWARD_TIMEOUT_S)) as resp:
                    payload = await resp.read()
                    out = {k: v for k, v in resp.headers.items() if k.lower() not in _HOP}
                    return web.Response(status=resp.status, body=payload, headers=out)
            except (TimeoutError, aiohttp.ClientError) as e:
                if retry and isinstance(e, aiohttp.ServerDisconnectedError):
                    retry = False
                    continue
                return web.Response(status=502, text=f"consensus node unreachable: {type(e).__name__}")

    # ---- WebSocket ----

    async def _websocket(self, request: web.Request) -> web.StreamResponse:
        assert self._session is not None
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return await self._forward(request, await request.read())
        try:
            upstream = await self._session.ws_connect(self.comet_url + "/websocket", max_msg_size=self.max_body_bytes)
        except (TimeoutError, aiohttp.ClientError) as e:
            return web.Response(status=502, text=f"consensus node unreachable: {type(e).__name__}")
        client = web.WebSocketResponse(max_msg_size=self.max_body_bytes)
        await client.prepare(request)

        async def pump(src: Any, dst: Any) -> None:
            async for msg in src:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    if src is client and self._search is not None and SEARCH_METHOD in msg.data:
                        searches = search_calls(msg.data.encode(), self.max_batch)
                        answered = await self._search_posted(*searches) if searches is not None else None
                        if answered is not None:
                            await client.send_str(json.dumps(answered))
                            continue
                    await dst.send_str(msg.data)
                elif msg.type == aiohttp.WSMsgType.BINARY:
                    await dst.send_bytes(msg.data)
                else:
                    break

        tasks = [asyncio.ensure_future(pump(client, upstream)), asyncio.ensure_future(pump(upstream, client))]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in tasks:
                t.cancel()
            await upstream.close()
            await client.close()
        return client


def _json_response(obj: Any) -> web.Response:
    return web.Response(body=json.dumps(obj).encode(), content_type="application/json")


def _answer(call_id: Any, raw: bytes, admission: Admission) -> dict[str, Any]:
    if isinstance(admission, str):
        return {"jsonrpc": "2.0", "id": call_id, "error": {"code": INTERNAL_ERROR, "message": "Internal error",
                                                          "data": admission}}
    return {"jsonrpc": "2.0", "id": call_id, "result": broadcast_result(raw, admission)}
