"""Legacy amino JSON of the wasm messages, as wasmd registers and cosmjs converts them.

Contract messages appear as JSON (not base64), code ids as strings, ``funds`` always (an
empty list when none), code as base64.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from abci_app.cosmos_tx import amino
from pysei_pb.cosmwasm.wasm.v1 import types_pb2

PREFIX = "/cosmwasm.wasm.v1."
_PERMISSIONS = {
    types_pb2.ACCESS_TYPE_UNSPECIFIED: "Unspecified",
    types_pb2.ACCESS_TYPE_NOBODY: "Nobody",
    types_pb2.ACCESS_TYPE_EVERYBODY: "Everybody",
    types_pb2.ACCESS_TYPE_ANY_OF_ADDRESSES: "AnyOfAddresses",
}


def _store(m: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        **amino.omit_empty(sender=m.sender), "wasm_byte_code": amino.base64_text(m.wasm_byte_code)
    }
    if m.HasField("instantiate_permission"):
        p = m.instantiate_permission
        value["instantiate_permission"] = {
            "permission": _PERMISSIONS.get(p.permission, str(p.permission)),
            **amino.omit_empty(addresses=list(p.addresses)),
        }
    return value


def _instantiate(m: Any) -> dict[str, Any]:
    return {
        **amino.omit_empty(sender=m.sender, admin=m.admin, label=m.label),
        "code_id": str(m.code_id),
        "msg": amino.parse_json(m.msg),
        "funds": amino.coins(m.funds),
    }


def _execute(m: Any) -> dict[str, Any]:
    return {
        **amino.omit_empty(sender=m.sender, contract=m.contract),
        "msg": amino.parse_json(m.msg),
        "funds": amino.coins(m.funds),
    }


def _migrate(m: Any) -> dict[str, Any]:
    return {
        **amino.omit_empty(sender=m.sender, contract=m.contract),
        "code_id": str(m.code_id),
        "msg": amino.parse_json(m.msg),
    }


def _update_admin(m: Any) -> dict[str, Any]:
    return amino.omit_empty(sender=m.sender, new_admin=m.new_admin, contract=m.contract)


def _clear_admin(m: Any) -> dict[str, Any]:
    return amino.omit_empty(sender=m.sender, contract=m.contract)


_VALUES: Mapping[str, Callable[[Any], dict[str, Any]]] = {
    "MsgStoreCode": _store,
    "MsgInstantiateContract": _instantiate,
    "MsgExecuteContract": _execute,
    "MsgMigrateContract": _migrate,
    "MsgUpdateAdmin": _update_admin,
    "MsgClearAdmin": _clear_admin,
}


def converter(name: str) -> Callable[[Any], dict[str, Any]]:
    """The ``MsgHandler.amino`` of ``/cosmwasm.wasm.v1.<name>`` (amino name ``wasm/<name>``)."""
    value = _VALUES[name]
    return lambda m: amino.msg("wasm/" + name, value(m))
