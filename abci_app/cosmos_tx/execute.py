"""One native tx on a view: the ante step, then its messages all-or-nothing, as a ``TxResult``.

Pure: a function of (tx, block context, view); its only effects are writes through the view.
When the ante step fails nothing is written. When a message fails, the ante effects (fee,
sequence) stay and every message write is dropped, as in the Cosmos SDK. On success the
result's ``data`` is a ``TxMsgData`` with one ``<type_url>Response`` per message.

Gas: one ``GasMeter`` per tx, limited by the tx's gas limit and starting at the ante step's
static charge; ``metered`` handlers consume their work on it. ``gas_used`` is the meter's
total, also when a message fails; past the limit the tx fails with ``OUT_OF_GAS`` and uses
its whole limit. Simulation meters against the block gas limit (or
``SIMULATION_GAS_LIMIT``) instead, so the estimate is the gas the work needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from google.protobuf.any_pb2 import Any as AnyPb

from abci_app.cosmos_tx.ante import AnteResult, ante
from abci_app.cosmos_tx.decode import CosmosTx
from abci_app.module_api import GasMeter, MsgError, MsgHandler
from ledger import codes
from ledger.bank import InsufficientFunds
from ledger.codes import TxError
from ledger.context import BlockContext
from ledger.results import Event, TxResult
from pysei_pb.cosmos.base.abci.v1beta1 import abci_pb2
from store.api import KVView
from store.overlay import Overlay

#: Gas metered messages may use in a simulation when the block has no gas limit.
SIMULATION_GAS_LIMIT = 100_000_000


def module_of(type_url: str) -> str:
    """``/cosmos.bank.v1beta1.MsgSend`` -> ``bank`` (the SDK's ``message.module`` value)."""
    parts = type_url.lstrip("/").split(".")
    return parts[1] if len(parts) > 2 else parts[0]


def execute_cosmos_tx(
    tx: CosmosTx,
    ctx: BlockContext,
    view: KVView,
    handlers: Mapping[str, MsgHandler],
    *,
    verified_account: int = -1,
    check_only: bool = False,
    min_gas_price: str | Fraction | None = None,
    simulate: bool = False,
) -> TxResult:
    """Execute ``tx`` (FinalizeBlock), check it (CheckTx: ``check_only``, with the node's
    ``min_gas_price`` in usei per gas) or estimate it (``simulate``: no signature or fee
    checks). ``verified_account`` as in ``abci_app.cosmos_tx.ante.ante``.

    Messages run in CheckTx too, so a send above the balance is refused from the mempool;
    the caller keeps the view's writes only when the result is OK.
    """
    try:
        pre = ante(
            tx,
            view,
            ctx,
            verified_account=verified_account,
            local_min_gas_price=min_gas_price if check_only else None,
            simulate=simulate,
        )
    except TxError as e:
        return TxResult(code=e.code, log=e.log, codespace=e.codespace, gas_wanted=tx.gas_limit)
    limit = tx.gas_limit
    if simulate:
        limit = max(limit, ctx.gas_limit if ctx.gas_limit > 0 else SIMULATION_GAS_LIMIT)
    return _run_messages(tx, ctx, view, handlers, pre, GasMeter(limit, pre.gas_used))


def _run_messages(
    tx: CosmosTx, ctx: BlockContext, view: KVView, handlers: Mapping[str, MsgHandler], pre: AnteResult,
    meter: GasMeter,
) -> TxResult:
    scratch = Overlay(view)
    events: list[Event] = list(pre.events)
    responses: list[AnyPb] = []
    for i, (type_url, msg) in enumerate(tx.msgs):
        try:
            handler = handlers.get(type_url)
            if handler is None:
                raise MsgError(
                    codes.UNKNOWN_REQUEST, f"unrecognized message type {type_url}: unknown request"
                )
            if handler.metered:
                msg_events, data = handler.execute(msg, ctx, scratch, meter)
            else:
                msg_events, data = handler.execute(msg, ctx, scratch)
        except (MsgError, InsufficientFunds) as e:
            code, log, space = (
                (e.code, e.log, e.codespace)
                if isinstance(e, MsgError)
                else (codes.INSUFFICIENT_FUNDS, f"{e}: insufficient funds", "sdk")
            )
            return TxResult(
                code=code,
                log=f"failed to execute message; message index: {i}: {log}",
                codespace=space,
                gas_wanted=tx.gas_limit,
                gas_used=meter.used,
                events=pre.events,
                fee_wei=pre.fee_wei,
            )
        events.append(
            Event(
                "message",
                (("action", type_url), ("sender", tx.signer_bech32), ("module", module_of(type_url))),
            )
        )
        events.extend(msg_events)
        responses.append(AnyPb(type_url=type_url + "Response", value=data))
    scratch.flush()
    return TxResult(
        code=codes.OK,
        gas_wanted=tx.gas_limit,
        gas_used=meter.used,
        events=tuple(events),
        data=abci_pb2.TxMsgData(msg_responses=responses).SerializeToString(),
        fee_wei=pre.fee_wei,
    )
