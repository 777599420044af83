"""``/cosmos.tx.v1beta1.Service/Simulate``: run a tx on a throw-away view for fee estimation.

cosmjs sends a ``Tx`` (same wire bytes as ``TxRaw``) with an empty signature, an unspecified
sign mode and no fee; the answer's ``gas_used`` is what the tx will use once signed (the
signature and a fee are charged as if present), so ``gas_used * multiplier`` is a safe limit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from google.protobuf.any_pb2 import Any as AnyPb
from google.protobuf.message import DecodeError

from abci_app.cosmos_tx.decode import decode_cosmos_tx
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from abci_app.module_api import MsgError, MsgHandler
from ledger import codes
from ledger.codes import TxError
from ledger.context import BlockContext
from pysei_pb.cosmos.base.abci.v1beta1 import abci_pb2
from pysei_pb.cosmos.tx.v1beta1 import service_pb2
from pysei_pb.tendermint.abci import types_pb2
from store.api import ReadView
from store.overlay import Overlay

PATH = "/cosmos.tx.v1beta1.Service/Simulate"


def simulate(
    request: bytes, view: ReadView, ctx: BlockContext, handlers: Mapping[str, MsgHandler], max_bytes: int
) -> bytes:
    """``SimulateRequest`` bytes -> ``SimulateResponse`` bytes; raises ``MsgError`` when the
    tx would fail (its code and log)."""
    try:
        req = service_pb2.SimulateRequest.FromString(request)
    except DecodeError as e:
        raise MsgError(codes.TX_DECODE, f"invalid simulate request: {e}") from None
    raw = req.tx_bytes or (req.tx.SerializeToString() if req.HasField("tx") else b"")
    if not raw:
        raise MsgError(codes.INVALID_REQUEST, "empty txBytes is not allowed: invalid request")
    try:
        tx = decode_cosmos_tx(raw, max_bytes, handlers, simulate=True)
    except TxError as e:
        raise MsgError(e.code, e.log, e.codespace) from None
    result = execute_cosmos_tx(tx, ctx, Overlay(view), handlers, simulate=True)
    if result.code != codes.OK:
        raise MsgError(result.code, result.log, result.codespace)
    msg_data = abci_pb2.TxMsgData.FromString(result.data)
    return service_pb2.SimulateResponse(
        gas_info=abci_pb2.GasInfo(gas_wanted=result.gas_wanted, gas_used=result.gas_used),
        result=abci_pb2.Result(
            log="",
            events=[
                types_pb2.Event(
                    type=e.type,
                    attributes=[
                        types_pb2.EventAttribute(key=k, value=v, index=True) for k, v in e.attributes
                    ],
                )
                for e in result.events
            ],
            msg_responses=[AnyPb(type_url=r.type_url, value=r.value) for r in msg_data.msg_responses],
        ),
    ).SerializeToString()


def simulate_route(
    handlers: Mapping[str, MsgHandler], context: Callable[[ReadView, int], BlockContext], max_bytes: int
) -> Callable[[bytes, ReadView, int], bytes]:
    """A ``QueryHandler`` for ``PATH``; ``context(view, height)`` gives the block context to
    simulate in (the app's next-block context)."""

    def route(request: bytes, view: ReadView, height: int) -> bytes:
        return simulate(request, view, context(view, height), handlers, max_bytes)

    return route
