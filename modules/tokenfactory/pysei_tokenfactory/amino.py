"""Legacy amino JSON of the tokenfactory messages, under the names Sei registers
(``tokenfactory/create-denom``, ``mint``, ``burn``, ``change-admin``; Sei registers no name
for ``MsgSetDenomMetadata``, which takes the ``tokenfactory/set-denom-metadata`` name other
tokenfactory chains give it). Empty strings drop out (Go's ``omitempty``); a denom unit's
``exponent`` is a JSON number (amino prints 32-bit integers as numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from abci_app.cosmos_tx import amino

from . import msgs


def _create(m: Any) -> dict[str, Any]:
    return amino.omit_empty(sender=m.sender, subdenom=m.subdenom)


def _supply(m: Any) -> dict[str, Any]:
    return {**amino.omit_empty(sender=m.sender), "amount": amino.coin(m.amount)}


def _change_admin(m: Any) -> dict[str, Any]:
    return amino.omit_empty(sender=m.sender, denom=m.denom, new_admin=m.new_admin)


def _unit(u: Any) -> dict[str, Any]:
    return amino.omit_empty(denom=u.denom, exponent=u.exponent or None, aliases=list(u.aliases))


def _set_metadata(m: Any) -> dict[str, Any]:
    md = m.metadata
    metadata = amino.omit_empty(
        description=md.description, denom_units=[_unit(u) for u in md.denom_units], base=md.base,
        display=md.display, name=md.name, symbol=md.symbol,
    )
    return {**amino.omit_empty(sender=m.sender), "metadata": metadata}


_FORMS: dict[str, tuple[str, Callable[[Any], dict[str, Any]]]] = {
    msgs.CREATE_DENOM: ("tokenfactory/create-denom", _create),
    msgs.MINT: ("tokenfactory/mint", _supply),
    msgs.BURN: ("tokenfactory/burn", _supply),
    msgs.CHANGE_ADMIN: ("tokenfactory/change-admin", _change_admin),
    msgs.SET_DENOM_METADATA: ("tokenfactory/set-denom-metadata", _set_metadata),
}


def converter(type_url: str) -> Callable[[Any], dict[str, Any]]:
    """The ``MsgHandler.amino`` of one tokenfactory message type."""
    name, value = _FORMS[type_url]
    return lambda m: amino.msg(name, value(m))
