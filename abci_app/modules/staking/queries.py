"""Query handlers: ``/cosmos.staking.v1beta1.Query/*`` and ``/cosmos.distribution.v1beta1.Query/*``."""

from __future__ import annotations

from typing import Any

from google.protobuf.any_pb2 import Any as AnyPb
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from abci_app.module_api import MsgError, QueryHandler
from abci_app.modules.staking import rewards, state
from abci_app.modules.staking.messages import ED25519_TYPE, account, valoper
from abci_app.modules.staking.records import BOND_DENOM, DEC, STATUS_NAMES, Validator, format_dec
from ledger import codes
from ledger.addresses import VALOPER_PREFIX, to_bech32
from pysei_pb.cosmos.base.query.v1beta1 import pagination_pb2
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from pysei_pb.cosmos.crypto.ed25519 import keys_pb2
from pysei_pb.cosmos.distribution.v1beta1 import query_pb2 as distr_query
from pysei_pb.cosmos.distribution.v1beta1 import tx_pb2 as distr_tx
from pysei_pb.cosmos.staking.v1beta1 import query_pb2, staking_pb2
from store.api import ReadView

STAKING = "/cosmos.staking.v1beta1.Query/"
DISTRIBUTION = "/cosmos.distribution.v1beta1.Query/"


def _request(cls: Any, data: bytes) -> Any:
    try:
        return cls.FromString(data)
    except Exception as e:  # protobuf DecodeError
        raise MsgError(codes.INVALID_REQUEST, f"invalid request: {e}") from None


def _ts(ns: int) -> Timestamp:
    return Timestamp(seconds=ns // 10**9, nanos=ns % 10**9)


def validator_pb(v: Validator) -> staking_pb2.Validator:
    key = AnyPb(type_url=ED25519_TYPE, value=keys_pb2.PubKey(key=v.pubkey).SerializeToString())
    rates = staking_pb2.CommissionRates(
        rate=format_dec(v.commission_rate), max_rate=format_dec(v.max_rate), max_change_rate=format_dec(v.max_change_rate)
    )
    return staking_pb2.Validator(
        operator_address=to_bech32(v.operator, VALOPER_PREFIX), consensus_pubkey=key, jailed=v.jailed,
        status=v.status, tokens=str(v.tokens), delegator_shares=format_dec(v.shares),
        description=staking_pb2.Description(moniker=v.moniker, identity=v.identity, website=v.website,
                                            security_contact=v.security_contact, details=v.details),
        unbonding_height=v.unbonding_height, unbonding_time=_ts(v.unbonding_time_ns),
        commission=staking_pb2.Commission(commission_rates=rates, update_time=_ts(v.commission_update_ns)),
        min_self_delegation=str(v.min_self_delegation),
    )


def _known(view: ReadView, text: str) -> Validator:
    v = state.validator(view, valoper(text))
    if v is None:
        raise MsgError(codes.NOT_FOUND, f"rpc error: code = NotFound desc = validator {text} not found")
    return v


def _validators(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(query_pb2.QueryValidatorsRequest, data)
    if req.status and req.status not in STATUS_NAMES.values():
        raise MsgError(codes.INVALID_REQUEST, f"invalid validator status {req.status}")
    found = [validator_pb(v) for v in state.validators(view) if not req.status or STATUS_NAMES[v.status] == req.status]
    page = pagination_pb2.PageResponse(total=len(found))
    return query_pb2.QueryValidatorsResponse(validators=found, pagination=page).SerializeToString()


def _validator(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(query_pb2.QueryValidatorRequest, data)
    return query_pb2.QueryValidatorResponse(validator=validator_pb(_known(view, req.validator_addr))).SerializeToString()


def _delegation(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(query_pb2.QueryDelegationRequest, data)
    v, delegator = _known(view, req.validator_addr), account(req.delegator_addr)
    held = state.shares(view, delegator, v.operator)
    if not held:
        raise MsgError(
            codes.NOT_FOUND,
            f"rpc error: code = NotFound desc = delegation with delegator {req.delegator_addr} not found for validator {req.validator_addr}",
        )
    resp = staking_pb2.DelegationResponse(
        delegation=staking_pb2.Delegation(delegator_address=req.delegator_addr, validator_address=req.validator_addr,
                                          shares=format_dec(held)),
        balance=coin_pb2.Coin(denom=BOND_DENOM, amount=str(v.tokens_of(held))),
    )
    return query_pb2.QueryDelegationResponse(delegation_response=resp).SerializeToString()


def _unbonding(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(query_pb2.QueryUnbondingDelegationRequest, data)
    v, delegator = _known(view, req.validator_addr), account(req.delegator_addr)
    entries = [
        staking_pb2.UnbondingDelegationEntry(completion_time=_ts(t), initial_balance=str(a), balance=str(a))
        for t, d, op, a in state.unbondings(view) if d == delegator and op == v.operator
    ]
    if not entries:
        raise MsgError(codes.NOT_FOUND, "rpc error: code = NotFound desc = unbonding delegation not found")
    unbond = staking_pb2.UnbondingDelegation(delegator_address=req.delegator_addr,
                                             validator_address=req.validator_addr, entries=entries)
    return query_pb2.QueryUnbondingDelegationResponse(unbond=unbond).SerializeToString()


def _params(data: bytes, view: ReadView, height: int) -> bytes:
    p = state.params(view)
    params = staking_pb2.Params(
        unbonding_time=Duration(seconds=p.unbonding_time_ns // 10**9, nanos=p.unbonding_time_ns % 10**9),
        max_validators=p.max_validators, max_entries=p.max_entries, bond_denom=p.bond_denom,
        min_commission_rate=format_dec(0),
    )
    return query_pb2.QueryParamsResponse(params=params).SerializeToString()


def _dec_coins(amount: int) -> list[distr_tx.DecCoin]:
    return [distr_tx.DecCoin(denom=BOND_DENOM, amount=format_dec(amount * DEC))] if amount else []


def _rewards(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(distr_query.QueryDelegationRewardsRequest, data)
    v, delegator = _known(view, req.validator_address), account(req.delegator_address)
    if not state.shares(view, delegator, v.operator):
        raise MsgError(codes.NOT_FOUND, "rpc error: code = NotFound desc = delegation does not exist")
    owed = rewards.pending(view, delegator, v.operator)
    return distr_query.QueryDelegationRewardsResponse(rewards=_dec_coins(owed)).SerializeToString()


def _total_rewards(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(distr_query.QueryDelegationTotalRewardsRequest, data)
    delegator = account(req.delegator_address)
    per, total = [], 0
    for operator, _ in state.delegations_of(view, delegator):
        owed = rewards.pending(view, delegator, operator)
        total += owed
        per.append(distr_query.DelegationDelegatorReward(validator_address=to_bech32(operator, VALOPER_PREFIX),
                                                         reward=_dec_coins(owed)))
    return distr_query.QueryDelegationTotalRewardsResponse(rewards=per, total=_dec_coins(total)).SerializeToString()


def _withdraw_address(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(distr_query.QueryDelegatorWithdrawAddressRequest, data)
    target = rewards.withdraw_address(view, account(req.delegator_address))
    return distr_query.QueryDelegatorWithdrawAddressResponse(withdraw_address=to_bech32(target)).SerializeToString()


def staking_queries() -> dict[str, QueryHandler]:
    return {STAKING + "Validators": _validators, STAKING + "Validator": _validator, STAKING + "Delegation": _delegation,
            STAKING + "UnbondingDelegation": _unbonding, STAKING + "Params": _params}


def distribution_queries() -> dict[str, QueryHandler]:
    return {DISTRIBUTION + "DelegationRewards": _rewards, DISTRIBUTION + "DelegationTotalRewards": _total_rewards,
            DISTRIBUTION + "DelegatorWithdrawAddress": _withdraw_address}
