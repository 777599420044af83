"""The JSON the contract and the VM exchange (cosmwasm-std 2.x shapes).

Inputs: ``Env`` ({block: {height, time (ns, string), chain_id}, transaction, contract:
{address}}), ``MessageInfo`` ({sender, funds}), ``Reply``. Outputs: ``ContractResult`` of
a ``Response`` ({messages, attributes, events, data}) or of query bytes. Parsing is strict
about what it uses and rejects malformed shapes with a ``ContractError``-free
``VmError``: a contract that answers garbage fails its call.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from ledger.context import BlockContext
from ledger.results import Event
from untrusted import json_text
from wasm_bridge.api import Coins, ContractError, ValidationError, VmError

REPLY_ON = ("never", "success", "error", "always")


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


def b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode()


def unb64(text: Any, what: str) -> bytes:
    if text is None:
        return b""
    if not isinstance(text, str):
        raise VmError(f"{what}: expected base64 string")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise VmError(f"{what}: invalid base64") from None


def env_json(ctx: BlockContext, contract: str) -> bytes:
    return dumps(
        {
            "block": {"height": ctx.height, "time": str(ctx.time_ns), "chain_id": ctx.chain_id},
            "transaction": None,
            "contract": {"address": contract},
        }
    )


def coins_json(coins: Coins) -> list[dict[str, str]]:
    return [{"denom": d, "amount": str(a)} for d, a in coins]


def info_json(sender: str, funds: Coins) -> bytes:
    return dumps({"sender": sender, "funds": coins_json(funds)})


def parse_coins(value: Any, what: str = "coins") -> Coins:
    """Contract- or user-supplied coins -> sorted positive (denom, amount) pairs."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValidationError(f"invalid {what}: expected a list")
    out: dict[str, int] = {}
    for c in value:
        try:
            denom, amount = str(c["denom"]), int(str(c["amount"]))
        except (KeyError, TypeError, ValueError):
            raise ValidationError(f"invalid {what}: {c!r}") from None
        if amount < 0 or not denom or denom in out:
            raise ValidationError(f"invalid {what}: {c!r}")
        if amount:
            out[denom] = amount
    return tuple(sorted(out.items()))


def contract_result(raw: bytes) -> Any:
    """``{"ok": x}`` -> x; ``{"error": text}`` -> ``ContractError(text)``."""
    try:
        obj = json_text.loads(raw)
    except ValueError as e:
        raise VmError(f"contract returned {e}") from None
    if isinstance(obj, dict) and "ok" in obj:
        return obj["ok"]
    if isinstance(obj, dict) and "error" in obj:
        raise ContractError(str(obj["error"]))
    raise VmError("contract returned neither ok nor error")


@dataclass(frozen=True)
class SubMsg:
    id: int
    msg: dict[str, Any]
    reply_on: str
    gas_limit: int | None
    payload: bytes


@dataclass(frozen=True)
class Response:
    messages: tuple[SubMsg, ...]
    attributes: tuple[tuple[str, str], ...]
    events: tuple[Event, ...]
    data: bytes | None


def _attributes(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        raise VmError(f"{where}: attributes must be a list")
    out = []
    for a in value:
        if not isinstance(a, dict) or not isinstance(a.get("key"), str) or not isinstance(a.get("value"), str):
            raise VmError(f"{where}: malformed attribute")
        key = a["key"].strip()
        if not key:
            raise ContractError("Empty attribute key")
        if key.startswith("_"):
            raise ContractError(f"Attribute key starts with reserved prefix _: {key}")
        out.append((key, a["value"]))
    return tuple(out)


def parse_response(ok: Any) -> Response:
    if not isinstance(ok, dict):
        raise VmError("response must be an object")
    msgs = []
    for m in ok.get("messages") or []:
        if not isinstance(m, dict) or not isinstance(m.get("msg"), dict):
            raise VmError("malformed submessage")
        reply_on = m.get("reply_on", "never")
        gas_limit = m.get("gas_limit")
        if reply_on not in REPLY_ON or not (gas_limit is None or isinstance(gas_limit, int)):
            raise VmError("malformed submessage reply_on or gas_limit")
        msgs.append(SubMsg(int(m.get("id", 0)), m["msg"], reply_on, gas_limit, unb64(m.get("payload"), "payload")))
    events = []
    for e in ok.get("events") or []:
        if not isinstance(e, dict) or not isinstance(e.get("type"), str):
            raise VmError("malformed event")
        if len(e["type"].strip()) < 2:
            raise ContractError(f"Event type too short: {e['type']!r}")
        events.append(Event("wasm-" + e["type"].strip(), _attributes(e.get("attributes") or [], "event")))
    data = ok.get("data")
    return Response(
        tuple(msgs),
        _attributes(ok.get("attributes") or [], "response"),
        tuple(events),
        None if data is None else unb64(data, "data"),
    )


def events_json(events: tuple[Event, ...]) -> list[dict[str, Any]]:
    return [
        {"type": e.type, "attributes": [{"key": k, "value": v} for k, v in e.attributes]} for e in events
    ]


def reply_json(sub: SubMsg, gas_used: int, ok: tuple[tuple[Event, ...], bytes | None, str, bytes] | None, error: str) -> bytes:
    """The ``Reply`` for ``sub``: ``ok`` = (events, data, response type url, response bytes)."""
    if ok is None:
        result: dict[str, Any] = {"error": error}
    else:
        events, data, type_url, value = ok
        result = {
            "ok": {
                "events": events_json(events),
                "data": b64(data),
                "msg_responses": [{"type_url": type_url, "value": b64(value)}],
            }
        }
    return dumps({"id": sub.id, "payload": b64(sub.payload) or "", "gas_used": gas_used, "result": result})
