"""Sei's ``evm`` bindings for contracts: the ``call_evm`` custom message and the ``evm``
route's ``static_call`` custom query, run through the keeper's ``EvmCaller`` (None: this
chain has no EVM bindings, and both are refused).

* message ``{"custom": {"call_evm": {"value": "0", "to": "0x…", "data": "<base64>"}}}``:
  the contract calls ``to``; the gas used is charged to the contract's meter, a revert
  fails the message with the EVM's reason, the EVM logs become ``evm_log`` events.
* query ``{"custom": {"route": "evm", "query_data": {"static_call": {"from": "sei1…",
  "to": "0x…", "data": "<base64>"}}}}``: a read-only call; the answer is
  ``{"encoded_data": "<base64 output>"}``.
"""

from __future__ import annotations

import base64
from typing import Any

from ledger.addresses import AddressError, from_bech32
from ledger.results import Event
from store.api import KVView, ReadView
from wasm_bridge import messages
from wasm_bridge.api import EvmCaller, EvmCallFailed, ValidationError
from wasm_bridge.frame import Frame

CALL_EVM_URL = "/seiprotocol.seichain.evm.MsgInternalEVMCall"


def _evm_address(text: Any) -> bytes:
    raw = str(text or "")
    try:
        out = bytes.fromhex(raw.removeprefix("0x"))
    except ValueError:
        out = b""
    if not raw.startswith("0x") or len(out) != 20:
        raise ValidationError(f"invalid EVM address {raw!r}")
    return out


def _uint(text: Any, what: str) -> int:
    raw = str(text if text is not None else "0")
    if not raw.isdigit():
        raise ValidationError(f"invalid {what} {raw!r}")
    return int(raw)


def _caller(evm: EvmCaller | None) -> EvmCaller:
    if evm is None:
        raise ValidationError("this chain has no EVM bindings")
    return evm


def call_evm(
    evm: EvmCaller | None, view: KVView, frame: Frame, sender: bytes, args: dict[str, Any]
) -> tuple[list[Event], bytes | None, str, bytes]:
    """Run a ``call_evm`` message of ``sender``: (events, data, response type url, response)."""
    caller = _caller(evm)
    to, data = _evm_address(args.get("to")), messages.unb64(args.get("data"), "data")
    value = _uint(args.get("value"), "value")
    try:
        out = caller.call(view, frame.ctx, sender, to, value, data, frame.meter.remaining)
    except EvmCallFailed as e:
        frame.meter.charge(min(e.gas_used, frame.meter.remaining))
        raise
    frame.meter.charge(out.gas_used)
    return list(out.events), out.output, CALL_EVM_URL, out.output


def static_call(evm: EvmCaller | None, view: ReadView, frame: Frame, query_data: Any) -> dict[str, str]:
    """Answer an ``evm`` route query (only ``static_call``)."""
    caller = _caller(evm)
    if not isinstance(query_data, dict) or set(query_data) != {"static_call"}:
        raise ValidationError("unsupported evm query")
    args = query_data["static_call"]
    try:
        sender = from_bech32(str(args.get("from", "")))
    except AddressError as e:
        raise ValidationError(f"invalid from address: {e}") from None
    to, data = _evm_address(args.get("to")), messages.unb64(args.get("data"), "data")
    try:
        out = caller.static_call(view, frame.ctx, sender, to, data, frame.meter.remaining)
    except EvmCallFailed as e:
        frame.meter.charge(min(e.gas_used, frame.meter.remaining))
        raise
    frame.meter.charge(out.gas_used)
    return {"encoded_data": base64.b64encode(out.output).decode()}
