"""Legacy amino JSON of the staking, distribution and slashing messages (the SDK's names).

Field rules are the SDK's Go structs': strings with ``omitempty`` drop out when empty,
non-nullable messages and coins are always present, decimals are 18-digit strings.
"""

from __future__ import annotations

from typing import Any

from abci_app.cosmos_tx import amino
from abci_app.modules.staking.records import format_dec, parse_dec
from pysei_pb.cosmos.crypto.ed25519 import keys_pb2

#: Type URL -> amino name, as the Cosmos SDK registers them.
NAMES = {
    "/cosmos.staking.v1beta1.MsgCreateValidator": "cosmos-sdk/MsgCreateValidator",
    "/cosmos.staking.v1beta1.MsgEditValidator": "cosmos-sdk/MsgEditValidator",
    "/cosmos.staking.v1beta1.MsgDelegate": "cosmos-sdk/MsgDelegate",
    "/cosmos.staking.v1beta1.MsgUndelegate": "cosmos-sdk/MsgUndelegate",
    "/cosmos.staking.v1beta1.MsgBeginRedelegate": "cosmos-sdk/MsgBeginRedelegate",
    "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward": "cosmos-sdk/MsgWithdrawDelegationReward",
    "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress": "cosmos-sdk/MsgModifyWithdrawAddress",
    "/cosmos.slashing.v1beta1.MsgUnjail": "cosmos-sdk/MsgUnjail",
}
ED25519_AMINO = "tendermint/PubKeyEd25519"


def _dec(text: str) -> str:
    return format_dec(parse_dec(text))


def _description(d: Any) -> dict[str, Any]:
    return amino.omit_empty(
        moniker=d.moniker, identity=d.identity, website=d.website,
        security_contact=d.security_contact, details=d.details,
    )


def _create_validator(m: Any) -> dict[str, Any]:
    key = keys_pb2.PubKey.FromString(m.pubkey.value).key
    return {
        "description": _description(m.description),
        "commission": {
            "rate": _dec(m.commission.rate),
            "max_rate": _dec(m.commission.max_rate),
            "max_change_rate": _dec(m.commission.max_change_rate),
        },
        "min_self_delegation": m.min_self_delegation,
        **amino.omit_empty(delegator_address=m.delegator_address, validator_address=m.validator_address),
        "pubkey": {"type": ED25519_AMINO, "value": amino.base64_text(key)},
        "value": amino.coin(m.value),
    }


def _edit_validator(m: Any) -> dict[str, Any]:
    return {
        "description": _description(m.description),
        **amino.omit_empty(
            validator_address=m.validator_address,
            commission_rate=_dec(m.commission_rate) if m.commission_rate else "",
            min_self_delegation=m.min_self_delegation,
        ),
    }


def _delegation(m: Any) -> dict[str, Any]:
    return {
        **amino.omit_empty(delegator_address=m.delegator_address, validator_address=m.validator_address),
        "amount": amino.coin(m.amount),
    }


def _redelegate(m: Any) -> dict[str, Any]:
    return {
        **amino.omit_empty(
            delegator_address=m.delegator_address,
            validator_src_address=m.validator_src_address,
            validator_dst_address=m.validator_dst_address,
        ),
        "amount": amino.coin(m.amount),
    }


def _withdraw(m: Any) -> dict[str, Any]:
    return amino.omit_empty(delegator_address=m.delegator_address, validator_address=m.validator_address)


def _set_withdraw(m: Any) -> dict[str, Any]:
    return amino.omit_empty(delegator_address=m.delegator_address, withdraw_address=m.withdraw_address)


def _unjail(m: Any) -> dict[str, Any]:
    return amino.omit_empty(address=m.validator_addr)  # the SDK's json tag is "address"


_VALUES = {
    "/cosmos.staking.v1beta1.MsgCreateValidator": _create_validator,
    "/cosmos.staking.v1beta1.MsgEditValidator": _edit_validator,
    "/cosmos.staking.v1beta1.MsgDelegate": _delegation,
    "/cosmos.staking.v1beta1.MsgUndelegate": _delegation,
    "/cosmos.staking.v1beta1.MsgBeginRedelegate": _redelegate,
    "/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward": _withdraw,
    "/cosmos.distribution.v1beta1.MsgSetWithdrawAddress": _set_withdraw,
    "/cosmos.slashing.v1beta1.MsgUnjail": _unjail,
}


def converter(type_url: str) -> Any:
    """The ``MsgHandler.amino`` of one message type."""
    name, value = NAMES[type_url], _VALUES[type_url]
    return lambda m: amino.msg(name, value(m))
