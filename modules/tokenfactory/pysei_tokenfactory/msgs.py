"""The five tokenfactory messages: stateless checks and execution on the tx's view.

Every handler reads and writes only through the view it is given and raises ``MsgError``
on failure (the core then drops all of the message's writes). Minting and burning go
through ``ledger.bank`` so balances and supply are the bank's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from abci_app.cosmos_tx.coins import parse_amount, valid_denom
from abci_app.module_api import BlockContext, Event, KVView, MsgError, MsgHandler
from ledger import bank, codes

from . import denoms
from .denoms import address, fail
from .pb.cosmos.bank.v1beta1 import bank_pb2
from .pb.seiprotocol.seichain.tokenfactory import tx_pb2

PACKAGE = "/seiprotocol.seichain.tokenfactory."
CREATE_DENOM = PACKAGE + "MsgCreateDenom"
MINT = PACKAGE + "MsgMint"
BURN = PACKAGE + "MsgBurn"
CHANGE_ADMIN = PACKAGE + "MsgChangeAdmin"
SET_DENOM_METADATA = PACKAGE + "MsgSetDenomMetadata"

Outcome = tuple[Sequence[Event], bytes]


# ---- MsgCreateDenom -------------------------------------------------------------------


def _validate_create(msg: tx_pb2.MsgCreateDenom) -> None:
    address(msg.sender, "sender")
    denoms.denom_of(msg.sender, msg.subdenom)
    if msg.HasField("allow_list") and msg.allow_list.addresses:
        raise MsgError(codes.INVALID_REQUEST, "allow lists are not supported by this chain: invalid request")


def _create(msg: tx_pb2.MsgCreateDenom, ctx: BlockContext, view: KVView) -> Outcome:
    denom = denoms.denom_of(msg.sender, msg.subdenom)
    if denoms.admin(view, denom) is not None or denoms.metadata(view, denom) is not None:
        raise fail(denoms.DENOM_EXISTS, f"attempting to create a denom that already exists (has bank metadata): {denom}")
    sender = address(msg.sender, "sender")
    denoms.add_denom(view, sender, denom, sender)
    denoms.set_metadata(view, {"base": denom, "denom_units": [{"denom": denom, "exponent": 0, "aliases": []}]})
    event = Event("create_denom", (("creator", msg.sender), ("new_token_denom", denom)))
    return (event,), tx_pb2.MsgCreateDenomResponse(new_token_denom=denom).SerializeToString()


# ---- MsgMint / MsgBurn ----------------------------------------------------------------


def _coin(msg: tx_pb2.MsgMint | tx_pb2.MsgBurn) -> tuple[str, int]:
    denom = msg.amount.denom
    try:
        amount = parse_amount(msg.amount.amount)
    except ValueError:
        raise MsgError(codes.INVALID_COINS, f"{msg.amount.amount}{denom}: invalid coins") from None
    if amount == 0:
        raise MsgError(codes.INVALID_COINS, f"coin {amount}{denom} amount is not positive: invalid coins")
    denoms.split(denom)
    return denom, amount


def _validate_supply_change(msg: tx_pb2.MsgMint | tx_pb2.MsgBurn) -> None:
    address(msg.sender, "sender")
    _coin(msg)


def _mint(msg: tx_pb2.MsgMint, ctx: BlockContext, view: KVView) -> Outcome:
    denom, amount = _coin(msg)
    sender = address(msg.sender, "sender")
    denoms.require_admin(view, denom, sender)
    bank.mint(view, sender, denom, amount)
    text = f"{amount}{denom}"
    events = (
        Event("coin_received", (("receiver", msg.sender), ("amount", text))),
        Event("coinbase", (("minter", msg.sender), ("amount", text))),
        Event("tf_mint", (("mint_to_address", msg.sender), ("amount", text))),
    )
    return events, tx_pb2.MsgMintResponse().SerializeToString()


def _burn(msg: tx_pb2.MsgBurn, ctx: BlockContext, view: KVView) -> Outcome:
    denom, amount = _coin(msg)
    sender = address(msg.sender, "sender")
    denoms.require_admin(view, denom, sender)
    try:
        bank.burn(view, sender, denom, amount)
    except bank.InsufficientFunds as e:
        raise MsgError(codes.INSUFFICIENT_FUNDS, f"{e}: insufficient funds") from None
    text = f"{amount}{denom}"
    events = (
        Event("coin_spent", (("spender", msg.sender), ("amount", text))),
        Event("burn", (("burner", msg.sender), ("amount", text))),
        Event("tf_burn", (("burn_from_address", msg.sender), ("amount", text))),
    )
    return events, tx_pb2.MsgBurnResponse().SerializeToString()


# ---- MsgChangeAdmin -------------------------------------------------------------------


def _validate_change_admin(msg: tx_pb2.MsgChangeAdmin) -> None:
    address(msg.sender, "sender")
    address(msg.new_admin, "new admin")
    denoms.split(msg.denom)


def _change_admin(msg: tx_pb2.MsgChangeAdmin, ctx: BlockContext, view: KVView) -> Outcome:
    denoms.require_admin(view, msg.denom, address(msg.sender, "sender"))
    denoms.set_admin(view, msg.denom, address(msg.new_admin, "new admin"))
    event = Event("change_admin", (("denom", msg.denom), ("new_admin", msg.new_admin)))
    return (event,), tx_pb2.MsgChangeAdminResponse().SerializeToString()


# ---- MsgSetDenomMetadata --------------------------------------------------------------


def metadata_json(meta: bank_pb2.Metadata) -> dict[str, Any]:
    """The SDK JSON shape the bank store keeps (``denoms.set_metadata``)."""
    return {
        "description": meta.description,
        "denom_units": [
            {"denom": u.denom, "exponent": u.exponent, "aliases": list(u.aliases)} for u in meta.denom_units
        ],
        "base": meta.base,
        "display": meta.display,
        "name": meta.name,
        "symbol": meta.symbol,
    }


def check_metadata(meta: bank_pb2.Metadata) -> None:
    """The SDK's metadata rules: the first unit is the base at exponent 0, exponents rise,
    unit denoms are valid and distinct, the display unit is one of them."""

    def bad(why: str) -> MsgError:
        return fail(denoms.INVALID_METADATA, f"invalid metadata for {meta.base}: {why}")

    if not valid_denom(meta.base):
        raise bad("invalid base denom")
    units = list(meta.denom_units)
    if not units or units[0].denom != meta.base or units[0].exponent != 0:
        raise bad("the first denomination unit must be the base denom with exponent 0")
    seen: set[str] = set()
    for prev, unit in zip([None, *units], units, strict=False):
        if not valid_denom(unit.denom) or unit.denom in seen:
            raise bad(f"invalid or duplicate denomination unit {unit.denom!r}")
        if prev is not None and unit.exponent <= prev.exponent:
            raise bad("denomination units must be sorted by rising exponent")
        seen.add(unit.denom)
    if meta.display and meta.display not in seen:
        raise bad(f"display denom {meta.display!r} is not a denomination unit")


def _validate_set_metadata(msg: tx_pb2.MsgSetDenomMetadata) -> None:
    address(msg.sender, "sender")
    denoms.split(msg.metadata.base)
    check_metadata(msg.metadata)


def _set_metadata(msg: tx_pb2.MsgSetDenomMetadata, ctx: BlockContext, view: KVView) -> Outcome:
    denoms.require_admin(view, msg.metadata.base, address(msg.sender, "sender"))
    meta = metadata_json(msg.metadata)
    denoms.set_metadata(view, meta)
    event = Event("set_denom_metadata", (("denom", msg.metadata.base), ("symbol", msg.metadata.symbol)))
    return (event,), tx_pb2.MsgSetDenomMetadataResponse().SerializeToString()


# ---- handlers -------------------------------------------------------------------------


def _handler(
    type_url: str, cls: Any, validate: Callable[[Any], None], execute: Callable[..., Outcome], gas: int
) -> MsgHandler:
    return MsgHandler(
        type_url=type_url,
        decode=cls.FromString,
        signers=lambda m: (address(m.sender, "sender"),),
        validate=validate,
        execute=execute,
        gas=gas,
    )


def handlers() -> dict[str, MsgHandler]:
    return {
        h.type_url: h
        for h in (
            _handler(CREATE_DENOM, tx_pb2.MsgCreateDenom, _validate_create, _create, 40_000),
            _handler(MINT, tx_pb2.MsgMint, _validate_supply_change, _mint, 30_000),
            _handler(BURN, tx_pb2.MsgBurn, _validate_supply_change, _burn, 30_000),
            _handler(CHANGE_ADMIN, tx_pb2.MsgChangeAdmin, _validate_change_admin, _change_admin, 20_000),
            _handler(SET_DENOM_METADATA, tx_pb2.MsgSetDenomMetadata, _validate_set_metadata, _set_metadata, 20_000),
        )
    }
