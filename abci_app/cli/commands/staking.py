"""``pysei tx staking create-validator|delegate|unbond|redelegate|unjail``,
``pysei tx distribution withdraw-rewards`` and ``pysei query validators|validator|delegation|rewards``.

Txs are signed by ``--from`` and broadcast like ``pysei tx bank send`` (JSON result, exit 1
on a non-zero code); queries print JSON of the ``/cosmos.staking.v1beta1.Query/*`` and
``/cosmos.distribution.v1beta1.Query/*`` answers.
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path
from typing import Any

from google.protobuf.any_pb2 import Any as AnyPb
from google.protobuf.json_format import MessageToDict

from abci_app.cli.comet_client import CometClient
from abci_app.cli.commands.common import (
    CommandError,
    add_home,
    add_node,
    add_tx_options,
    emit,
    fetch_account,
    guarded,
    keyring,
    resolve_address,
    subcommands,
)
from abci_app.cli.commands.query import _query
from abci_app.cli.commands.tx import _broadcast, _coins
from abci_app.cosmos_tx.builder import build_and_sign
from ledger.addresses import VALOPER_PREFIX, to_bech32
from pysei_pb.cosmos.base.v1beta1.coin_pb2 import Coin
from pysei_pb.cosmos.crypto.ed25519 import keys_pb2
from pysei_pb.cosmos.distribution.v1beta1 import query_pb2 as distr_query
from pysei_pb.cosmos.distribution.v1beta1 import tx_pb2 as distr_tx
from pysei_pb.cosmos.slashing.v1beta1 import tx_pb2 as slashing_tx
from pysei_pb.cosmos.staking.v1beta1 import query_pb2, staking_pb2, tx_pb2

DEFAULT_GAS = 300_000
STAKING_Q = "/cosmos.staking.v1beta1.Query/"
DISTR_Q = "/cosmos.distribution.v1beta1.Query/"


def _amount(text: str) -> Coin:
    coins = _coins(text if not text.isdigit() else text + "usei", "amount")
    if len(coins) != 1 or coins[0][0] != "usei":
        raise CommandError("the amount must be one positive usei amount, e.g. 1000000usei")
    return Coin(denom="usei", amount=str(coins[0][1]))


def _send(args: argparse.Namespace, build: Any) -> int:
    key = keyring(args).get(args.from_key)
    client = CometClient(args.node)
    chain_id = args.chain_id or client.status()["node_info"]["network"]
    account, _ = fetch_account(client, key.bech32)
    msg = build(key)
    raw = build_and_sign(key.privkey, [msg], chain_id, account.account_number, account.sequence,
                         _coins(args.fees, "fees"), args.gas, args.memo)
    result = _broadcast(client, raw, args.broadcast_mode)
    emit(result)
    return 0 if result["code"] == 0 else 1


def _valoper(key: Any) -> str:
    return to_bech32(key.sei_address, VALOPER_PREFIX)


def _consensus_key(args: argparse.Namespace) -> bytes:
    if args.pubkey:
        return base64.b64decode(args.pubkey)
    path = Path(args.home) / "cometbft" / "config" / "priv_validator_key.json"
    if not path.exists():
        raise CommandError(f"no --pubkey and no {path}")
    return base64.b64decode(json.loads(path.read_text())["pub_key"]["value"])


def _create(args: argparse.Namespace) -> int:
    pub = AnyPb(type_url="/cosmos.crypto.ed25519.PubKey",
                value=keys_pb2.PubKey(key=_consensus_key(args)).SerializeToString())
    return _send(args, lambda key: tx_pb2.MsgCreateValidator(
        description=staking_pb2.Description(moniker=args.moniker),
        commission=staking_pb2.CommissionRates(rate=args.commission_rate, max_rate=args.commission_max_rate,
                                               max_change_rate=args.commission_max_change_rate),
        min_self_delegation=str(args.min_self_delegation), validator_address=_valoper(key), pubkey=pub,
        value=_amount(args.amount)))


def _delegate(args: argparse.Namespace) -> int:
    return _send(args, lambda key: tx_pb2.MsgDelegate(
        delegator_address=key.bech32, validator_address=args.validator, amount=_amount(args.amount)))


def _unbond(args: argparse.Namespace) -> int:
    return _send(args, lambda key: tx_pb2.MsgUndelegate(
        delegator_address=key.bech32, validator_address=args.validator, amount=_amount(args.amount)))


def _redelegate(args: argparse.Namespace) -> int:
    return _send(args, lambda key: tx_pb2.MsgBeginRedelegate(
        delegator_address=key.bech32, validator_src_address=args.src, validator_dst_address=args.dst,
        amount=_amount(args.amount)))


def _unjail(args: argparse.Namespace) -> int:
    return _send(args, lambda key: slashing_tx.MsgUnjail(validator_addr=_valoper(key)))


def _withdraw(args: argparse.Namespace) -> int:
    return _send(args, lambda key: distr_tx.MsgWithdrawDelegatorReward(
        delegator_address=key.bech32, validator_address=args.validator))


def _show(path: str, request: Any, response: Any, args: argparse.Namespace) -> int:
    value, height = _query(CometClient(args.node), path, request, args.height)
    out = MessageToDict(response.FromString(value), preserving_proto_field_name=True)
    out["height"] = str(height)
    emit(out)
    return 0


def _q_validators(args: argparse.Namespace) -> int:
    return _show(STAKING_Q + "Validators", query_pb2.QueryValidatorsRequest(status=args.status),
                 query_pb2.QueryValidatorsResponse, args)


def _q_validator(args: argparse.Namespace) -> int:
    return _show(STAKING_Q + "Validator", query_pb2.QueryValidatorRequest(validator_addr=args.validator),
                 query_pb2.QueryValidatorResponse, args)


def _q_delegation(args: argparse.Namespace) -> int:
    req = query_pb2.QueryDelegationRequest(delegator_addr=resolve_address(args.delegator, args),
                                           validator_addr=args.validator)
    return _show(STAKING_Q + "Delegation", req, query_pb2.QueryDelegationResponse, args)


def _q_rewards(args: argparse.Namespace) -> int:
    delegator = resolve_address(args.delegator, args)
    if args.validator:
        req = distr_query.QueryDelegationRewardsRequest(delegator_address=delegator, validator_address=args.validator)
        return _show(DISTR_Q + "DelegationRewards", req, distr_query.QueryDelegationRewardsResponse, args)
    req2 = distr_query.QueryDelegationTotalRewardsRequest(delegator_address=delegator)
    return _show(DISTR_Q + "DelegationTotalRewards", req2, distr_query.QueryDelegationTotalRewardsResponse, args)


def add_staking_commands(subparsers: Any) -> None:
    txs = subcommands(subparsers.choices["tx"])
    cmds = txs.add_parser("staking", help="staking transactions").add_subparsers(dest="staking_command", required=True)
    p = cmds.add_parser("create-validator", help="create a validator operated by --from, self-delegating AMOUNT")
    p.add_argument("amount", metavar="AMOUNT", help="e.g. 1000000usei")
    p.add_argument("--pubkey", default="", help="base64 ed25519 consensus key (default: the home's CometBFT key)")
    p.add_argument("--moniker", default="")
    p.add_argument("--commission-rate", default="0.1")
    p.add_argument("--commission-max-rate", default="0.2")
    p.add_argument("--commission-max-change-rate", default="0.01")
    p.add_argument("--min-self-delegation", type=int, default=1)
    p.set_defaults(func=guarded(_create))
    for name, func, extra in (("delegate", _delegate, ("validator",)), ("unbond", _unbond, ("validator",)),
                              ("redelegate", _redelegate, ("src", "dst"))):
        p = cmds.add_parser(name, help=f"{name} AMOUNT")
        for a in extra:
            p.add_argument(a, metavar=a.upper(), help="seivaloper1… address")
        p.add_argument("amount", metavar="AMOUNT")
        p.set_defaults(func=guarded(func))
    p = cmds.add_parser("unjail", help="unjail the validator operated by --from")
    p.set_defaults(func=guarded(_unjail))
    for p in cmds.choices.values():
        add_tx_options(p, DEFAULT_GAS, "4000usei")
    distr = txs.add_parser("distribution", help="distribution transactions")
    p = distr.add_subparsers(dest="distribution_command", required=True).add_parser(
        "withdraw-rewards", help="withdraw the rewards of one delegation")
    p.add_argument("validator", metavar="VALIDATOR")
    p.set_defaults(func=guarded(_withdraw))
    add_tx_options(p, DEFAULT_GAS, "4000usei")
    queries = subcommands(subparsers.choices["query"])
    for name, func, args_ in (("validators", _q_validators, ()), ("validator", _q_validator, ("validator",)),
                              ("delegation", _q_delegation, ("delegator", "validator")),
                              ("rewards", _q_rewards, ("delegator",))):
        p = queries.add_parser(name, help=f"staking: {name}")
        for a in args_:
            p.add_argument(a, metavar=a.upper())
        if name == "validators":
            p.add_argument("--status", default="", help="e.g. BOND_STATUS_BONDED")
        if name == "rewards":
            p.add_argument("validator", metavar="VALIDATOR", nargs="?", default="")
        p.add_argument("--height", type=int, default=0)
        add_node(p)
        add_home(p)
        p.set_defaults(func=guarded(func))
