"""Submessages: run each ``CosmosMsg`` a contract returns, then its ``reply`` if asked.

Each submessage runs on its own ``Overlay`` (kept on success, dropped on failure). A
failure with ``reply_on`` ``never``/``success`` fails the caller; with ``error``/``always``
the error text goes to the caller's ``reply``. With a ``gas_limit`` the submessage gets its
own meter, and running out of it is an ordinary, catchable failure; without one it shares
the tx's meter and out-of-gas aborts everything. Supported: ``bank.send``, ``bank.burn``,
``wasm.execute``, ``wasm.instantiate``, ``wasm.migrate``, ``wasm.update_admin``,
``wasm.clear_admin``, and Sei's ``custom.call_evm`` and ``custom.delegate_call_evm``
(``evm_bindings``; the latter as the sender of the message that reached the contract). The
reply's ``data``, when set, replaces the caller's.
"""

from __future__ import annotations

from typing import Any

from ledger import bank
from ledger.addresses import AddressError, from_bech32, to_bech32
from ledger.association import can_receive
from ledger.results import Event
from store.api import KVView
from store.overlay import Overlay
from wasm_bridge import evm_bindings, messages
from wasm_bridge.api import ContractInfo, OutOfGas, ValidationError, WasmError
from wasm_bridge.frame import Contracts, Frame
from wasm_bridge.funds import transfer_funds

EXECUTE_URL = "/cosmwasm.wasm.v1.MsgExecuteContract"
INSTANTIATE_URL = "/cosmwasm.wasm.v1.MsgInstantiateContract"
MIGRATE_URL = "/cosmwasm.wasm.v1.MsgMigrateContract"
SEND_URL = "/cosmos.bank.v1beta1.MsgSend"


def _proto_bytes(field: int, value: bytes) -> bytes:
    """One length-delimited protobuf field (enough for the two response messages)."""
    if not value:
        return b""
    n, out = len(value), bytearray([field << 3 | 2])
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out) + value


def _address(text: Any) -> bytes:
    try:
        return from_bech32(str(text))
    except AddressError as e:
        raise ValidationError(f"invalid address {text!r}: {e}") from None


def dispatch_msg(
    contracts: Contracts, view: KVView, frame: Frame, contract: ContractInfo, msg: dict[str, Any],
    caller: bytes = b"",
) -> tuple[list[Event], bytes | None, str, bytes]:
    """Run one ``CosmosMsg`` sent by ``contract`` (reached by a message of ``caller``; the
    contract itself for a reply): (events, data, response type url, response)."""
    sender = contract.address
    if len(msg) != 1:
        raise ValidationError("a CosmosMsg has exactly one variant")
    (kind, body), = msg.items()
    if not isinstance(body, dict) or len(body) != 1:
        raise ValidationError(f"malformed {kind} message")
    (action, args), = body.items()
    if not isinstance(args, dict):
        raise ValidationError(f"malformed {kind}.{action} message")
    if kind == "custom" and action == "call_evm":
        return evm_bindings.call_evm(contracts.evm, view, frame, sender, args)
    if kind == "custom" and action == "delegate_call_evm":
        return evm_bindings.delegate_call_evm(contracts.evm, view, frame, sender, caller or sender, args)
    if kind == "bank" and action == "send":
        to, coins = _address(args.get("to_address")), messages.parse_coins(args.get("amount"))
        if not can_receive(view, to):
            raise ValidationError(f"{to_bech32(to)} is the cast address of an associated account: invalid bank recipient")
        events = transfer_funds(view, sender, to, coins)
        return events, None, SEND_URL, b""
    if kind == "bank" and action == "burn":
        for denom, amount in messages.parse_coins(args.get("amount")):
            try:
                bank.burn(view, sender, denom, amount)
            except bank.InsufficientFunds as e:
                raise ValidationError(f"{e}: insufficient funds") from None
        return [Event("burn", (("burner", to_bech32(sender)),))], None, "/cosmos.bank.v1beta1.MsgBurn", b""
    if kind == "wasm" and action == "execute":
        target, funds = _address(args.get("contract_addr")), messages.parse_coins(args.get("funds"))
        events, data = contracts.do_execute(view, frame, sender, target, messages.unb64(args.get("msg"), "msg"), funds)
        return events, data, EXECUTE_URL, _proto_bytes(1, data or b"")
    if kind == "wasm" and action == "instantiate":
        admin = args.get("admin") or ""
        if admin:
            _address(admin)
        address, events, data = contracts.do_instantiate(
            view, frame, sender, int(args.get("code_id", 0)), messages.unb64(args.get("msg"), "msg"),
            messages.parse_coins(args.get("funds")), str(args.get("label", "")), admin,
        )
        response = _proto_bytes(1, to_bech32(address).encode()) + _proto_bytes(2, data or b"")
        return events, data, INSTANTIATE_URL, response
    if kind == "wasm" and action == "migrate":
        target = _address(args.get("contract_addr"))
        events, data = contracts.do_migrate(
            view, frame, sender, target, int(args.get("new_code_id", 0)), messages.unb64(args.get("msg"), "msg")
        )
        return events, data, MIGRATE_URL, _proto_bytes(1, data or b"")
    if kind == "wasm" and action in ("update_admin", "clear_admin"):
        admin = str(args.get("admin", "")) if action == "update_admin" else ""
        if admin:
            _address(admin)
        events = contracts.do_update_admin(view, sender, _address(args.get("contract_addr")), admin)
        return events, None, "/cosmwasm.wasm.v1.MsgUpdateAdmin", b""
    raise ValidationError(f"unsupported message {kind}.{action}")


def dispatch_submessages(
    contracts: Contracts, view: KVView, frame: Frame, contract: ContractInfo,
    subs: tuple[messages.SubMsg, ...], data: bytes | None, caller: bytes = b"",
) -> tuple[list[Event], bytes | None]:
    events: list[Event] = []
    for sub in subs:
        scratch = Overlay(view)
        own_meter = frame.meter.sub(sub.gas_limit) if sub.gas_limit is not None else None
        inner = frame.deeper(own_meter)
        try:
            sub_events, sub_data, type_url, response = dispatch_msg(contracts, scratch, inner, contract, sub.msg, caller)
            ok: tuple | None = (tuple(sub_events), sub_data, type_url + "Response", response)
            error = ""
        except OutOfGas as e:
            if own_meter is None:
                raise
            ok, error = None, str(e)
        except WasmError as e:
            if sub.reply_on in ("never", "success"):
                raise
            ok, error = None, str(e)
        finally:
            if own_meter is not None:
                frame.meter.charge(own_meter.used)
        if ok is not None:
            scratch.flush()
            events.extend(ok[0])
        if (ok is not None and sub.reply_on in ("success", "always")) or (ok is None and sub.reply_on in ("error", "always")):
            used = own_meter.used if own_meter is not None else 0
            reply = messages.reply_json(sub, used, ok, error)
            reply_events, reply_data = contracts.do_reply(view, frame.deeper(), contract, reply)
            events.extend(reply_events)
            if reply_data is not None:
                data = reply_data
    return events, data
