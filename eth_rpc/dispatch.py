"""JSON-RPC 2.0 dispatch: parse, validate, batch, run the method, shape the answer.

Never raises: every failure becomes an error object. Notifications (no ``id``) get no
answer, as the spec says; a body of only notifications answers nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from eth_rpc.errors import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    RESPONSE_TOO_LARGE,
    SERVER_ERROR,
    RpcError,
    invalid_params,
)
from eth_rpc.method_spec import ASYNC, THREAD, Method
from untrusted import json_text

log = logging.getLogger("pysei.rpc")
Json = dict[str, Any]
#: Bytes of a batch's answers past which the rest are refused (geth's ``BatchResponseMaxSize``).
MAX_BATCH_RESPONSE_BYTES = 25_000_000


def error_response(err: RpcError, rid: Any = None) -> Json:
    return {"jsonrpc": "2.0", "id": rid, "error": err.to_json()}


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _valid_id(rid: Any) -> bool:
    return rid is None or (isinstance(rid, (str, int, float)) and not isinstance(rid, bool))


class Dispatcher:
    def __init__(self, backend: Any, methods: dict[str, Method], executor: Executor | None, max_batch: int,
                 max_response_bytes: int = MAX_BATCH_RESPONSE_BYTES) -> None:
        self.backend = backend
        self.methods = methods
        self.executor = executor
        self.max_batch = max_batch
        self.max_response_bytes = max_response_bytes

    async def handle_body(self, body: bytes | str, conn: Any = None) -> bytes | None:
        """The answer to one HTTP body or WebSocket message (None = nothing to send)."""
        try:
            return await self._answer_body(body, conn)
        except Exception:
            log.exception("internal error answering a request body")
            return dumps(error_response(RpcError(INTERNAL_ERROR, "internal error")))

    async def _answer_body(self, body: bytes | str, conn: Any) -> bytes | None:
        try:
            msg = json_text.loads(body, parse_constant=_no_constants)
        except ValueError as e:
            return dumps(error_response(RpcError(PARSE_ERROR, f"parse error: {e}")))
        if isinstance(msg, list):
            if not msg:
                return dumps(error_response(RpcError(INVALID_REQUEST, "empty batch")))
            if len(msg) > self.max_batch:
                return dumps(error_response(RpcError(INVALID_REQUEST, f"batch too large: {len(msg)} > {self.max_batch}")))
            answers = await asyncio.gather(*(self.handle_one(m, conn) for m in msg))
            return self._batch_answer([a for a in answers if a is not None])
        answer = await self.handle_one(msg, conn)
        return dumps(answer) if answer is not None else None

    def _batch_answer(self, answers: list[Json]) -> bytes | None:
        """A batch's answers as one JSON array; once they pass ``max_response_bytes``, each
        further answer is geth's ``response too large`` error instead."""
        if not answers:
            return None
        parts, size = [], 0
        for a in answers:
            part = dumps(a)
            if size + len(part) > self.max_response_bytes:
                part = dumps(error_response(RpcError(RESPONSE_TOO_LARGE, "response too large"), a.get("id")))
            else:
                size += len(part)
            parts.append(part)
        return b"[" + b",".join(parts) + b"]"

    async def handle_one(self, req: Any, conn: Any = None) -> Json | None:
        if not isinstance(req, dict):
            return error_response(RpcError(INVALID_REQUEST, "invalid request"))
        rid = req.get("id")
        notification = "id" not in req
        if not _valid_id(rid) or req.get("jsonrpc", "2.0") != "2.0" or not isinstance(req.get("method"), str):
            return error_response(RpcError(INVALID_REQUEST, "invalid request"), rid if _valid_id(rid) else None)
        try:
            result = await self.call(req["method"], req.get("params"), conn)
        except RpcError as e:
            return None if notification else error_response(e, rid)
        except Exception:
            log.exception("internal error in %s", req["method"])
            return None if notification else error_response(RpcError(INTERNAL_ERROR, "internal error"), rid)
        return None if notification else {"jsonrpc": "2.0", "id": rid, "result": result}

    async def call(self, name: str, params: Any, conn: Any = None) -> Any:
        method = self.methods.get(name)
        if method is None or (method.ws_only and conn is None):
            if method is not None:
                raise RpcError(METHOD_NOT_FOUND, "notifications not supported")
            raise RpcError(METHOD_NOT_FOUND, f"the method {name} does not exist/is not available")
        if params is None:
            params = []
        if not isinstance(params, list):
            raise invalid_params("non-array args")
        args: tuple[Any, ...] = (self.backend, params, conn) if method.conn else (self.backend, params)
        if method.mode == ASYNC:
            return await method.fn(*args)
        if method.mode == THREAD and self.executor is not None:
            fn: Callable[..., Any] = method.fn
            work = asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)
            limit = getattr(self.backend.config, f"{method.timeout}_timeout_s", None) if method.timeout else None
            if limit is None:
                return await work
            try:
                return await asyncio.wait_for(work, limit)
            except TimeoutError:
                raise RpcError(SERVER_ERROR, f"execution aborted (timeout = {limit:g}s)") from None
        return method.fn(*args)
