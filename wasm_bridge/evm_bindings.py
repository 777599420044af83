"""Sei's ``evm`` bindings for contracts: the ``call_evm`` and ``delegate_call_evm`` custom
messages and the ``evm`` route's ``static_call`` and ``get_evm_address`` custom queries,
run through the keeper's ``EvmCaller`` (None: this chain has no EVM bindings, and all are
refused).

* message ``{"custom": {"call_evm": {"value": "0", "to": "0x…", "data": "<base64>"}}}``:
  the contract calls ``to``; the gas used is charged to the contract's meter, a revert
  fails the message with the EVM's reason, the EVM logs become ``evm_log`` events.
* message ``{"custom": {"delegate_call_evm": {"to": "0x…", "data": "<base64>"}}}``: the
  call is made as the sender of the message that reached the contract (their associated
  EVM address is ``msg.sender``), allowed only for the registered CosmWasm pointer of
  ``to`` (the CW20 of an ERC-20); gas, reverts and logs as for ``call_evm``.
* query ``{"custom": {"route": "evm", "query_data": {"static_call": {"from": "sei1…",
  "to": "0x…", "data": "<base64>"}}}}``: a read-only call; the answer is
  ``{"encoded_data": "<base64 output>"}``.
* query ``{..., "query_data": {"get_evm_address": {"sei_address": "sei1…"}}}``: the
  account's EVM address (its association, else the direct cast); the answer is
  ``{"evm_address": "0x…", "associated": true|false}``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from ledger.addresses import AddressError, from_bech32
from ledger.results import Event
from store.api import KVView, ReadView
from wasm_bridge import messages
from wasm_bridge.api import EvmCaller, EvmCallFailed, EvmCallOutcome, ValidationError
from wasm_bridge.frame import Frame

CALL_EVM_URL = "/seiprotocol.seichain.evm.MsgInternalEVMCall"
DELEGATE_CALL_EVM_URL = "/seiprotocol.seichain.evm.MsgInternalEVMDelegateCall"


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


def _metered(frame: Frame, run: Callable[[int], EvmCallOutcome]) -> EvmCallOutcome:
    """Run an EVM call with the frame's remaining gas; what it used is charged to the frame,
    also when it fails (``EvmCallFailed`` carries the gas of a revert)."""
    try:
        out = run(frame.meter.remaining)
    except EvmCallFailed as e:
        frame.meter.charge(min(e.gas_used, frame.meter.remaining))
        raise
    frame.meter.charge(out.gas_used)
    return out


def call_evm(
    evm: EvmCaller | None, view: KVView, frame: Frame, sender: bytes, args: dict[str, Any]
) -> tuple[list[Event], bytes | None, str, bytes]:
    """Run a ``call_evm`` message of ``sender``: (events, data, response type url, response)."""
    caller = _caller(evm)
    to, data = _evm_address(args.get("to")), messages.unb64(args.get("data"), "data")
    value = _uint(args.get("value"), "value")
    out = _metered(frame, lambda gas: caller.call(view, frame.ctx, sender, to, value, data, gas))
    return list(out.events), out.output, CALL_EVM_URL, out.output


def delegate_call_evm(
    evm: EvmCaller | None, view: KVView, frame: Frame, contract: bytes, sender: bytes, args: dict[str, Any]
) -> tuple[list[Event], bytes | None, str, bytes]:
    """Run a ``delegate_call_evm`` message of ``contract``, reached by a message of ``sender``."""
    caller = _caller(evm)
    to, data = _evm_address(args.get("to")), messages.unb64(args.get("data"), "data")
    out = _metered(frame, lambda gas: caller.delegate_call(view, frame.ctx, contract, sender, to, data, gas))
    return list(out.events), out.output, DELEGATE_CALL_EVM_URL, out.output


def _sei_address(text: Any, what: str) -> bytes:
    try:
        return from_bech32(str(text or ""))
    except AddressError as e:
        raise ValidationError(f"invalid {what} address: {e}") from None


def static_call(evm: EvmCaller | None, view: ReadView, frame: Frame, query_data: Any) -> dict[str, Any]:
    """Answer an ``evm`` route query (``static_call`` or ``get_evm_address``)."""
    caller = _caller(evm)
    if not isinstance(query_data, dict) or len(query_data) != 1 or not isinstance(next(iter(query_data.values())), dict):
        raise ValidationError("unsupported evm query")
    if "get_evm_address" in query_data:
        address, associated = caller.evm_address(view, _sei_address(query_data["get_evm_address"].get("sei_address"), "sei"))
        return {"evm_address": "0x" + address.hex(), "associated": associated}
    if "static_call" not in query_data:
        raise ValidationError("unsupported evm query")
    args = query_data["static_call"]
    sender = _sei_address(args.get("from"), "from")
    to, data = _evm_address(args.get("to")), messages.unb64(args.get("data"), "data")
    out = _metered(frame, lambda gas: caller.static_call(view, frame.ctx, sender, to, data, gas))
    return {"encoded_data": base64.b64encode(out.output).decode()}
