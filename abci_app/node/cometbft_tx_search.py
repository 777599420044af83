"""CometBFT's ``tx_search`` for queries on event attributes, answered from this node's own
index (``tx_index``, ``eth_rpc/index/tx_events.py``) by the front on CometBFT's address.

CometBFT's kv index keeps every tx by hash and height (the app marks no attribute of a
tx's events for it); a query with a ``tx.hash`` condition, or with ``tx.height`` ones alone,
goes to CometBFT as before. Any other is searched here, as CometBFT v0.38's kv index
searches (``tx_events.search``), and answered in its shape: matches sorted by height and
position (``order_by`` ``asc``, the default, or ``desc``), ``page`` / ``per_page`` (30 by
default, 100 at most) validated as CometBFT does, and each tx of the page as CometBFT's
``tx`` answers it (its result, its proof with ``prove``), fetched from CometBFT by hash in
batches. Errors are CometBFT's: a page out of range or an unknown order answer JSON-RPC
``-32603`` with the reason as ``data``, parameters of the wrong type ``-32602``; a query
that does not parse (or is over-long) goes to CometBFT, which refuses it itself.

A search waits (up to ``CATCH_UP_S``) until the index holds every block CometBFT has
stored, so a tx a client saw committed (CometBFT's ``tx``, a ``broadcast_tx_commit``) is
found by its events too.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_rpc.index.kv import IndexKV, RocksKV
from eth_rpc.index.store import indexed_height
from eth_rpc.index.tx_events import search
from eth_rpc.index.tx_query import Condition, QueryError, by_events, parse

log = logging.getLogger("pysei.front")

METHOD = "tx_search"
DEFAULT_PER_PAGE, MAX_PER_PAGE = 30, 100
#: Seconds a search waits for the index to reach CometBFT's latest stored block.
CATCH_UP_S = 5.0
POLL_S = 0.02
INVALID_PARAMS, INTERNAL_ERROR = -32602, -32603
ORDERS = ("asc", "desc", "")

#: ``post(calls)``: a JSON-RPC batch to CometBFT's own RPC, its answers (a list).
Post = Callable[[list[dict[str, Any]]], Awaitable[Any]]


class SearchError(Exception):
    """A search CometBFT refuses: JSON-RPC ``code``, the reason as ``data``."""

    def __init__(self, data: str, code: int = INTERNAL_ERROR) -> None:
        super().__init__(data)
        self.data, self.code = data, code

    def response(self, call_id: Any) -> dict[str, Any]:
        message = "Invalid params" if self.code == INVALID_PARAMS else "Internal error"
        return {"jsonrpc": "2.0", "id": call_id, "error": {"code": self.code, "message": message, "data": self.data}}


@dataclass(frozen=True)
class SearchArgs:
    query: str
    prove: bool = False
    page: int | None = None
    per_page: int | None = None
    order_by: str = ""


def _int(value: Any, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise SearchError(f"{name}: expected an integer, got {value!r}", INVALID_PARAMS)
    try:
        return int(value)
    except ValueError:
        raise SearchError(f"{name}: expected an integer, got {value!r}", INVALID_PARAMS) from None


def _bool(value: Any, name: str) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise SearchError(f"{name}: expected a boolean, got {value!r}", INVALID_PARAMS)


def _str(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SearchError(f"{name}: expected a string, got {value!r}", INVALID_PARAMS)
    return value


NAMES = ("query", "prove", "page", "per_page", "order_by")


def json_args(params: Any) -> SearchArgs:
    """A JSON-RPC call's params (by name, or by position in CometBFT's order)."""
    if isinstance(params, list):
        if len(params) > len(NAMES):
            raise SearchError(f"expected at most {len(NAMES)} params, got {len(params)}", INVALID_PARAMS)
        params = dict(zip(NAMES, params, strict=False))
    elif params is None:
        params = {}
    elif not isinstance(params, dict):
        raise SearchError("params must be an object or an array", INVALID_PARAMS)
    return SearchArgs(_str(params.get("query"), "query"), _bool(params.get("prove"), "prove"),
                      _int(params.get("page"), "page"), _int(params.get("per_page"), "per_page"),
                      _str(params.get("order_by"), "order_by"))


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def uri_args(args: Any) -> SearchArgs:
    """A GET's query arguments (``?query="..."&page=2``; strings in double quotes, as
    CometBFT's URI calls take them)."""
    def get(name: str) -> str | None:
        value = args.get(name)
        return None if value is None else _unquote(value)

    return SearchArgs(get("query") or "", _bool(get("prove"), "prove"), _int(get("page"), "page"),
                      _int(get("per_page"), "per_page"), get("order_by") or "")


class TxSearch:
    """Answers event searches from the index ``open_index()`` returns (a follower of the
    node's index, caught up before each search; None while it cannot be opened), reading
    CometBFT's latest height and each tx through ``post``."""

    def __init__(self, open_index: Callable[[], IndexKV | None], post: Post, max_batch: int = 10) -> None:
        self.open_index = open_index
        self.post = post
        self.max_batch = max(1, max_batch)

    @staticmethod
    def ours(args: SearchArgs) -> list[Condition] | None:
        """The conditions of ``args``' query when the index answers it (a query on event
        attributes that parses); else None, and CometBFT does, as it would (its own errors
        for what does not parse)."""
        try:
            conditions = parse(args.query)
        except QueryError:
            return None
        return conditions if by_events(conditions) else None

    async def answer(self, args: SearchArgs, conditions: list[Condition]) -> dict[str, Any]:
        """CometBFT's ``ResultTxSearch`` for ``args``, whose query's conditions ``ours``
        returned; raises SearchError."""
        if args.order_by not in ORDERS:
            raise SearchError("expected order_by to be either `asc` or `desc` or empty")
        kv = await self._caught_up()
        matches = await asyncio.to_thread(search, kv, conditions)
        if args.order_by == "desc":
            matches.reverse()
        total = len(matches)
        per_page = DEFAULT_PER_PAGE if args.per_page is None or args.per_page < 1 else min(args.per_page, MAX_PER_PAGE)
        page = 1
        if args.page is not None:
            pages = max(1, (total - 1) // per_page + 1)
            if not 1 <= args.page <= pages:
                raise SearchError(f"page should be within [1, {pages}] range, given {args.page}")
            page = args.page
        chosen = matches[(page - 1) * per_page: page * per_page]
        return {"txs": await self._txs([h for _, _, h in chosen], args.prove), "total_count": str(total)}

    async def _caught_up(self) -> IndexKV:
        """The index, once it holds CometBFT's latest stored height (or after ``CATCH_UP_S``)."""
        status = await self._call("status", {})
        latest = int(status.get("sync_info", {}).get("latest_block_height", 0))
        deadline = time.monotonic() + CATCH_UP_S
        while True:
            kv = self.open_index()
            if kv is not None:
                await asyncio.to_thread(kv.catch_up)
                if indexed_height(kv) >= latest:
                    return kv
            if time.monotonic() >= deadline:
                if kv is None:
                    raise SearchError("the tx index is not open yet")
                log.warning("tx search: the index is behind CometBFT (height %d); answering from it", latest)
                return kv
            await asyncio.sleep(POLL_S)

    async def _call(self, method: str, params: dict[str, Any]) -> Any:
        out = await self.post([{"jsonrpc": "2.0", "id": 0, "method": method, "params": params}])
        answer = out[0] if isinstance(out, list) and out else out
        if not isinstance(answer, dict) or "result" not in answer:
            err = answer.get("error", {}) if isinstance(answer, dict) else {}
            raise SearchError(f"{method}: {err.get('data') or err.get('message') or answer}")
        return answer["result"]

    async def _txs(self, hashes: list[bytes], prove: bool) -> list[Any]:
        """CometBFT's ``tx`` answer for each of ``hashes``, in order."""
        out: list[Any] = []
        for start in range(0, len(hashes), self.max_batch):
            part = hashes[start:start + self.max_batch]
            calls = [{"jsonrpc": "2.0", "id": i, "method": "tx",
                      "params": {"hash": base64.b64encode(h).decode(), "prove": prove}} for i, h in enumerate(part)]
            answers = await self.post(calls)
            answers = answers if isinstance(answers, list) else [answers]  # a batch of one: one object
            by_id = {a.get("id"): a for a in answers if isinstance(a, dict)}
            for i, h in enumerate(part):
                a = by_id.get(i, {})
                if "result" not in a:
                    err = a.get("error", {})
                    raise SearchError(f"failed to get Tx{{{h.hex().upper()}}}: {err.get('data') or err or 'no answer'}")
                out.append(a["result"])
        return out


def index_follower(index: Path, follower: Path) -> Callable[[], RocksKV | None]:
    """``open_index`` for ``TxSearch``: a read-only follower (RocksDB secondary, its own files
    in ``follower``) of the node's index at ``index``, opened on first use (None until the
    node has created the index)."""
    opened: list[RocksKV] = []

    def open_index() -> RocksKV | None:
        if not opened:
            if not (index / "CURRENT").exists():
                return None
            follower.mkdir(parents=True, exist_ok=True)
            try:
                opened.append(RocksKV(index, follower))
            except Exception:  # noqa: BLE001 - the next search tries again
                log.exception("opening the tx index at %s failed", index)
                return None
        return opened[0]

    return open_index
