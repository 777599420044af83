"""Message handlers: Cosmos SDK staking, distribution and slashing messages on ``ops``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from abci_app.module_api import MsgError, MsgHandler
from abci_app.modules.staking import errors, liveness, ops
from abci_app.modules.staking.amino import converter
from abci_app.modules.staking.records import BOND_DENOM, parse_dec
from ledger import codes
from ledger.addresses import VALOPER_PREFIX, AddressError, from_bech32, to_bech32
from ledger.context import BlockContext
from ledger.results import Event
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from pysei_pb.cosmos.crypto.ed25519 import keys_pb2
from pysei_pb.cosmos.distribution.v1beta1 import tx_pb2 as distr_tx
from pysei_pb.cosmos.slashing.v1beta1 import tx_pb2 as slashing_tx
from pysei_pb.cosmos.staking.v1beta1 import tx_pb2
from store.api import KVView

ED25519_TYPE = "/cosmos.crypto.ed25519.PubKey"
GAS = 50_000
Result = tuple[Sequence[Event], bytes]


def account(text: str, what: str = "delegator") -> bytes:
    try:
        return from_bech32(text)
    except AddressError as e:
        raise MsgError(codes.INVALID_ADDRESS, f"invalid {what} address: {e}") from None


def valoper(text: str) -> bytes:
    try:
        return from_bech32(text, VALOPER_PREFIX)
    except AddressError as e:
        raise MsgError(codes.INVALID_ADDRESS, f"invalid validator address: {e}") from None


def amount_of(coin: coin_pb2.Coin) -> int:
    if coin.denom != BOND_DENOM:
        raise errors.staking_error(errors.BAD_DENOM, f"invalid coin denomination: got {coin.denom}, expected {BOND_DENOM}")
    if not coin.amount.isdigit() or int(coin.amount) <= 0:
        raise errors.staking_error(errors.INVALID_AMOUNT, f"invalid amount {coin.amount!r}: must be a positive integer")
    return int(coin.amount)


def _dec(text: str, what: str) -> int:
    try:
        return parse_dec(text, what)
    except ValueError as e:
        raise MsgError(codes.INVALID_REQUEST, str(e)) from None


def _int(text: str, what: str) -> int:
    if not text.isdigit():
        raise MsgError(codes.INVALID_REQUEST, f"invalid {what}: {text!r}")
    return int(text)


def _time(ns: int) -> Timestamp:
    return Timestamp(seconds=ns // 10**9, nanos=ns % 10**9)


def _pubkey(msg: tx_pb2.MsgCreateValidator) -> bytes:
    if msg.pubkey.type_url != ED25519_TYPE:
        raise errors.staking_error(errors.PUBKEY_TYPE, f"validator pubkey type {msg.pubkey.type_url or '(empty)'} is not supported")
    return keys_pb2.PubKey.FromString(msg.pubkey.value).key


def _message(sender: str, module: str) -> Event:
    return Event("message", (("module", module), ("sender", sender)))


def _create(msg: tx_pb2.MsgCreateValidator, ctx: BlockContext, view: KVView) -> Result:
    operator = valoper(msg.validator_address)
    if msg.delegator_address and account(msg.delegator_address) != operator:
        raise MsgError(codes.UNAUTHORIZED, "delegator address must be the validator operator's account")
    c, d = msg.commission, msg.description
    new = ops.NewValidator(
        operator=operator, pubkey=_pubkey(msg), moniker=d.moniker, identity=d.identity, website=d.website,
        security_contact=d.security_contact, details=d.details,
        commission_rate=_dec(c.rate, "commission rate"), max_rate=_dec(c.max_rate, "max rate"),
        max_change_rate=_dec(c.max_change_rate, "max change rate"),
        min_self_delegation=_int(msg.min_self_delegation, "min self delegation"), amount=amount_of(msg.value),
    )
    ops.create_validator(view, ctx.time_ns, new)
    events = (
        Event("create_validator", (("validator", msg.validator_address), ("amount", f"{new.amount}{BOND_DENOM}"))),
        _message(to_bech32(operator), "staking"),
    )
    return events, tx_pb2.MsgCreateValidatorResponse().SerializeToString()


def _edit(msg: tx_pb2.MsgEditValidator, ctx: BlockContext, view: KVView) -> Result:
    operator = valoper(msg.validator_address)
    d = msg.description
    desc = {"moniker": d.moniker, "identity": d.identity, "website": d.website,
            "security_contact": d.security_contact, "details": d.details}
    rate = _dec(msg.commission_rate, "commission rate") if msg.commission_rate else None
    floor = _int(msg.min_self_delegation, "min self delegation") if msg.min_self_delegation else None
    ops.edit_validator(view, ctx.time_ns, operator, {k: v for k, v in desc.items() if v}, rate, floor)
    events = (Event("edit_validator", (("validator", msg.validator_address),)), _message(to_bech32(operator), "staking"))
    return events, tx_pb2.MsgEditValidatorResponse().SerializeToString()


def _delegate(msg: tx_pb2.MsgDelegate, ctx: BlockContext, view: KVView) -> Result:
    amount = amount_of(msg.amount)
    minted = ops.delegate(view, account(msg.delegator_address), valoper(msg.validator_address), amount)
    events = (
        Event("delegate", (("validator", msg.validator_address), ("delegator", msg.delegator_address),
                           ("amount", f"{amount}{BOND_DENOM}"), ("new_shares", str(minted)))),
        _message(msg.delegator_address, "staking"),
    )
    return events, tx_pb2.MsgDelegateResponse().SerializeToString()


def _undelegate(msg: tx_pb2.MsgUndelegate, ctx: BlockContext, view: KVView) -> Result:
    amount = amount_of(msg.amount)
    done = ops.undelegate(view, ctx.time_ns, account(msg.delegator_address), valoper(msg.validator_address), amount)
    events = (
        Event("unbond", (("validator", msg.validator_address), ("delegator", msg.delegator_address),
                         ("amount", f"{amount}{BOND_DENOM}"), ("completion_time", str(done)))),
        _message(msg.delegator_address, "staking"),
    )
    resp = tx_pb2.MsgUndelegateResponse(completion_time=_time(done), amount=msg.amount)
    return events, resp.SerializeToString()


def _redelegate(msg: tx_pb2.MsgBeginRedelegate, ctx: BlockContext, view: KVView) -> Result:
    amount = amount_of(msg.amount)
    src, dst = valoper(msg.validator_src_address), valoper(msg.validator_dst_address)
    done = ops.redelegate(view, ctx.time_ns, account(msg.delegator_address), src, dst, amount)
    events = (
        Event("redelegate", (("source_validator", msg.validator_src_address),
                             ("destination_validator", msg.validator_dst_address),
                             ("amount", f"{amount}{BOND_DENOM}"), ("completion_time", str(done)))),
        _message(msg.delegator_address, "staking"),
    )
    return events, tx_pb2.MsgBeginRedelegateResponse(completion_time=_time(done)).SerializeToString()


def _withdraw(msg: distr_tx.MsgWithdrawDelegatorReward, ctx: BlockContext, view: KVView) -> Result:
    paid = ops.withdraw_rewards(view, account(msg.delegator_address), valoper(msg.validator_address))
    coins = [coin_pb2.Coin(denom=BOND_DENOM, amount=str(paid))] if paid else []
    events = (
        Event("withdraw_rewards", (("amount", f"{paid}{BOND_DENOM}" if paid else ""),
                                   ("validator", msg.validator_address), ("delegator", msg.delegator_address))),
        _message(msg.delegator_address, "distribution"),
    )
    return events, distr_tx.MsgWithdrawDelegatorRewardResponse(amount=coins).SerializeToString()


def _set_withdraw(msg: distr_tx.MsgSetWithdrawAddress, ctx: BlockContext, view: KVView) -> Result:
    ops.set_withdraw_address(view, account(msg.delegator_address), account(msg.withdraw_address, "withdraw"))
    events = (Event("set_withdraw_address", (("withdraw_address", msg.withdraw_address),)),
              _message(msg.delegator_address, "distribution"))
    return events, distr_tx.MsgSetWithdrawAddressResponse().SerializeToString()


def _unjail(msg: slashing_tx.MsgUnjail, ctx: BlockContext, view: KVView) -> Result:
    operator = valoper(msg.validator_addr)
    liveness.unjail(view, ctx.time_ns, operator)
    events = (Event("unjail", (("validator", msg.validator_addr),)), _message(to_bech32(operator), "slashing"))
    return events, slashing_tx.MsgUnjailResponse().SerializeToString()


def _handler(cls: Any, signer: Callable[[Any], bytes], check: Callable[[Any], None], run: Any) -> MsgHandler:
    type_url = "/" + cls.DESCRIPTOR.full_name
    return MsgHandler(
        type_url=type_url, decode=cls.FromString, signers=lambda m: (signer(m),),
        validate=check, execute=run, gas=GAS, amino=converter(type_url),
    )


def _check_delegation(m: Any) -> None:
    account(m.delegator_address)
    amount_of(m.amount)


def staking_handlers() -> dict[str, MsgHandler]:
    hs = [
        _handler(tx_pb2.MsgCreateValidator, lambda m: valoper(m.validator_address),
                 lambda m: (valoper(m.validator_address), amount_of(m.value)), _create),
        _handler(tx_pb2.MsgEditValidator, lambda m: valoper(m.validator_address),
                 lambda m: valoper(m.validator_address), _edit),
        _handler(tx_pb2.MsgDelegate, lambda m: account(m.delegator_address), _check_delegation, _delegate),
        _handler(tx_pb2.MsgUndelegate, lambda m: account(m.delegator_address), _check_delegation, _undelegate),
        _handler(tx_pb2.MsgBeginRedelegate, lambda m: account(m.delegator_address), _check_delegation, _redelegate),
    ]
    return {h.type_url: h for h in hs}


def distribution_handlers() -> dict[str, MsgHandler]:
    hs = [
        _handler(distr_tx.MsgWithdrawDelegatorReward, lambda m: account(m.delegator_address),
                 lambda m: (account(m.delegator_address), valoper(m.validator_address)), _withdraw),
        _handler(distr_tx.MsgSetWithdrawAddress, lambda m: account(m.delegator_address),
                 lambda m: (account(m.delegator_address), account(m.withdraw_address, "withdraw")), _set_withdraw),
    ]
    return {h.type_url: h for h in hs}


def slashing_handlers() -> dict[str, MsgHandler]:
    h = _handler(slashing_tx.MsgUnjail, lambda m: valoper(m.validator_addr), lambda m: valoper(m.validator_addr), _unjail)
    return {h.type_url: h}
