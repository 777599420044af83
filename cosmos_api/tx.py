"""``/cosmos/tx/v1beta1/...``: broadcast, look up and simulate txs.

Broadcast, look-up and search go through CometBFT's RPC (``broadcast_tx_sync|async|commit``,
``tx``, ``tx_search``, ``header``, ``block``); simulation through the app's ``Simulate``
query. A ``TxResponse`` is
built as the SDK builds it: uppercase hex hash and data, the log as ``raw_log``, the block
time in RFC 3339 to the second, and the tx as a ``/cosmos.tx.v1beta1.Tx`` (none for an
Ethereum tx, which is no Cosmos tx).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

from google.protobuf.any_pb2 import Any as AnyPb
from google.protobuf.message import DecodeError

from cosmos_api import errors, protojson
from cosmos_api.api import Context, Request
from cosmos_api.comet import CometError
from cosmos_api.routes import pagination, query, with_page
from cosmos_api.tendermint import fetch_block
from pysei_pb.cosmos.base.abci.v1beta1 import abci_pb2
from pysei_pb.cosmos.tx.v1beta1 import service_pb2, tx_pb2
from pysei_pb.tendermint.abci import types_pb2

TX_TYPE = "/cosmos.tx.v1beta1.Tx"
SIMULATE = "/cosmos.tx.v1beta1.Service/Simulate"
_METHODS = {
    service_pb2.BROADCAST_MODE_SYNC: "broadcast_tx_sync",
    service_pb2.BROADCAST_MODE_ASYNC: "broadcast_tx_async",
    service_pb2.BROADCAST_MODE_BLOCK: "broadcast_tx_commit",
}
#: The SDK's ``ErrTxInMempoolCache``.
IN_MEMPOOL_CACHE = 19
#: Most txs per page (CometBFT's ``tx_search`` limit).
MAX_PAGE = 100


def cosmos_tx(raw: bytes) -> tx_pb2.Tx | None:
    """The Cosmos ``Tx`` in ``raw``, or None when it is none (an Ethereum tx)."""
    if raw[:1] != b"\x0a":  # a Tx starts with its body (field 1, bytes)
        return None
    try:
        return tx_pb2.Tx.FromString(raw)
    except DecodeError:
        return None


def _events(items: Any) -> list[types_pb2.Event]:
    out = []
    for e in items or ():
        attrs = [
            types_pb2.EventAttribute(key=a.get("key") or "", value=a.get("value") or "", index=bool(a.get("index")))
            for a in e.get("attributes") or ()
        ]
        out.append(types_pb2.Event(type=e.get("type") or "", attributes=attrs))
    return out


def tx_response(
    txhash: str, result: Mapping[str, Any], height: int = 0, raw: bytes | None = None, timestamp: str = ""
) -> abci_pb2.TxResponse:
    """A ``TxResponse`` from a CometBFT ``ResponseCheckTx``/``ExecTxResult`` JSON."""
    data = base64.b64decode(result.get("data") or "")
    resp = abci_pb2.TxResponse(
        height=height, txhash=txhash.upper(), codespace=result.get("codespace") or "",
        code=int(result.get("code") or 0), data=data.hex().upper(), raw_log=result.get("log") or "",
        info=result.get("info") or "", gas_wanted=int(result.get("gas_wanted") or 0),
        gas_used=int(result.get("gas_used") or 0), timestamp=timestamp, events=_events(result.get("events")),
    )
    if raw is not None and cosmos_tx(raw) is not None:
        resp.tx.CopyFrom(AnyPb(type_url=TX_TYPE, value=raw))
    return resp


async def broadcast(ctx: Context, req: Request) -> dict[str, Any]:
    request = protojson.parse(service_pb2.BroadcastTxRequest, req.body)
    return protojson.to_json(await broadcast_tx(ctx.comet, request))


async def broadcast_tx(comet: Any, request: service_pb2.BroadcastTxRequest) -> service_pb2.BroadcastTxResponse:
    """``BroadcastTx`` through CometBFT (``comet``: a ``CometClient``)."""
    if not request.tx_bytes:
        raise errors.bad_request("invalid empty tx")
    method = _METHODS.get(request.mode)
    if method is None:
        raise errors.bad_request(f"unsupported broadcast mode {service_pb2.BroadcastMode.Name(request.mode)}")
    raw = bytes(request.tx_bytes)
    if cosmos_tx(raw) is None:
        raise errors.bad_request("tx parse error: not a Cosmos tx")
    try:
        out = await comet.call(method, tx=base64.b64encode(raw).decode())
    except CometError as e:
        if "already exists in cache" in e.text:
            failed = {"code": IN_MEMPOOL_CACHE, "codespace": "sdk", "log": "tx already in mempool"}
            return service_pb2.BroadcastTxResponse(tx_response=tx_response(_hash(raw), failed))
        raise errors.ApiError(errors.UNKNOWN, e.text) from None
    if method == "broadcast_tx_commit":
        check, deliver = out.get("check_tx") or {}, out.get("tx_result") or {}
        failed_check = int(check.get("code") or 0) != 0
        result = check if failed_check else deliver
        resp = tx_response(out["hash"], result, int(out.get("height") or 0))
    else:
        resp = tx_response(out["hash"], out)
    return service_pb2.BroadcastTxResponse(tx_response=resp)


def _hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest().upper()


async def get_tx(ctx: Context, req: Request) -> dict[str, Any]:
    return protojson.to_json(await fetch_tx(ctx.comet, req.params["hash"]))


async def fetch_tx(comet: Any, text: str) -> service_pb2.GetTxResponse:
    """``GetTx`` of a hex hash through CometBFT's ``tx`` and ``header``."""
    try:
        digest = bytes.fromhex(text.removeprefix("0x"))
    except ValueError:
        digest = b""
    if len(digest) != 32:
        raise errors.bad_request(f"invalid tx hash {text!r}: expected 64 hex digits")
    try:
        found = await comet.call("tx", hash=base64.b64encode(digest).decode())
    except CometError as e:
        if "not found" in e.text:
            raise errors.not_found(f"tx not found: {digest.hex().upper()}") from None
        raise errors.ApiError(errors.UNKNOWN, e.text) from None
    height = int(found["height"])
    raw = base64.b64decode(found.get("tx") or "")
    header = (await comet.call("header", height=str(height)))["header"]
    resp = tx_response(found["hash"], found.get("tx_result") or {}, height, raw, rfc3339_seconds(header["time"]))
    tx = cosmos_tx(raw)
    out = service_pb2.GetTxResponse(tx_response=resp)
    if tx is not None:
        out.tx.CopyFrom(tx)
    return out


async def search_txs(comet: Any, request: service_pb2.GetTxsEventRequest, query: str = "") -> service_pb2.GetTxsEventResponse:
    """``GetTxsEvent``: CometBFT's ``tx_search`` of the events joined with AND (or ``query``)."""
    events = [e for e in request.events if e]
    if not query:
        if not events:
            raise errors.bad_request("must declare at least one event to search")
        for e in events:
            if e.count("=") != 1:
                raise errors.bad_request(f"invalid event; event {e} should be of the format: type.attribute=value")
        query = " AND ".join(events)
    limit = min(request.limit or request.pagination.limit or MAX_PAGE, MAX_PAGE)
    page = request.page or (request.pagination.offset // limit + 1)
    order = "desc" if request.order_by == service_pb2.ORDER_BY_DESC else "asc"
    try:
        found = await comet.call("tx_search", query=query, prove=False, page=str(page), per_page=str(limit),
                                 order_by=order)
    except CometError as e:
        raise errors.bad_request(e.text) from None
    out = service_pb2.GetTxsEventResponse()
    times: dict[int, str] = {}
    for item in found.get("txs") or ():
        height = int(item["height"])
        if height not in times:
            times[height] = rfc3339_seconds((await comet.call("header", height=str(height)))["header"]["time"])
        raw = base64.b64decode(item.get("tx") or "")
        out.tx_responses.append(tx_response(item["hash"], item.get("tx_result") or {}, height, raw, times[height]))
        out.txs.append(cosmos_tx(raw) or tx_pb2.Tx())
    out.total = int(found.get("total_count") or 0)
    out.pagination.total = out.total
    return out


async def search(ctx: Context, req: Request) -> dict[str, Any]:
    request = service_pb2.GetTxsEventRequest(events=req.args("events"), pagination=pagination(req))
    if order := req.arg("order_by"):
        if order not in service_pb2.OrderBy.keys():
            raise errors.bad_request(f"invalid order_by {order!r}")
        request.order_by = service_pb2.OrderBy.Value(order)
    for name in ("page", "limit"):
        if value := req.arg(name):
            if not value.isdigit() or len(value) > 19:
                raise errors.bad_request(f"invalid {name} {value!r}")
            setattr(request, name, int(value))
    return with_page(protojson.to_json(await search_txs(ctx.comet, request, req.arg("query"))))


async def block_with_txs(comet: Any, request: service_pb2.GetBlockWithTxsRequest) -> service_pb2.GetBlockWithTxsResponse:
    """``GetBlockWithTxs``: the block and its Cosmos txs (offset/limit pagination)."""
    found = await fetch_block(comet, request.height)
    txs = [t for t in (cosmos_tx(bytes(raw)) for raw in found.block.data.txs) if t is not None]
    page = request.pagination
    start = page.offset
    end = start + (page.limit or MAX_PAGE)
    out = service_pb2.GetBlockWithTxsResponse(txs=txs[start:end], block_id=found.block_id, block=found.block)
    out.pagination.total = len(txs)
    return out


async def block_txs(ctx: Context, req: Request) -> dict[str, Any]:
    height = req.params["height"]
    if not height.isdigit() or len(height) > 19:
        raise errors.bad_request(f"invalid height {height!r}: expected a positive integer")
    request = service_pb2.GetBlockWithTxsRequest(height=int(height), pagination=pagination(req))
    return with_page(protojson.to_json(await block_with_txs(ctx.comet, request)))


def rfc3339_seconds(time: str) -> str:
    """CometBFT's ``2026-12-05T12:00:00.123456789Z`` as Go's ``time.RFC3339``: to the second."""
    return time[:19] + "Z" if len(time) >= 19 else time


async def simulate(ctx: Context, req: Request) -> dict[str, Any]:
    request = protojson.parse(service_pb2.SimulateRequest, req.body)
    if not request.tx_bytes and not request.HasField("tx"):
        raise errors.bad_request("empty txBytes is not allowed")
    out = await query(ctx, req, SIMULATE, request, service_pb2.SimulateResponse)
    return protojson.to_json(out)


ROUTES = {
    ("POST", "/cosmos/tx/v1beta1/txs"): broadcast,
    ("GET", "/cosmos/tx/v1beta1/txs"): search,
    ("GET", "/cosmos/tx/v1beta1/txs/{hash}"): get_tx,
    ("GET", "/cosmos/tx/v1beta1/txs/block/{height}"): block_txs,
    ("POST", "/cosmos/tx/v1beta1/simulate"): simulate,
}
