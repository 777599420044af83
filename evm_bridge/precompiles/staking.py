"""The staking precompile at ``0x…1005`` (interface ``Staking.sol``, Sei's signatures).

``delegate`` and ``createValidator`` take ``msg.value`` in wei and it must be a whole number
of usei (10**12 wei); ``undelegate``/``redelegate`` amounts are in usei. The delegator is the
caller's Sei address (its association, else the direct cast); ``createValidator`` needs an
associated caller, whose Sei address becomes the operator (as on Sei). ``validators`` pages
by 100 in operator order; ``nextKey`` is opaque (b"" when exhausted). The rules are the
app's (``api.StakingBackend``, injected); this file only does ABI, gas, value and events.

Gas (on top of ``base.BASE_GAS``): ``delegate``, ``undelegate``, ``redelegate`` 100,000;
``createValidator`` 200,000; ``delegation``, ``validator`` 5,000; ``validators`` 20,000.
"""

from __future__ import annotations

import re
from typing import Any

from eth_abi import encode

from evm_bridge.precompiles.api import NewValidatorArgs, PrecompileError, StakingBackend, ValidatorInfo
from evm_bridge.precompiles.base import Call, PrecompileBase, method, topic
from ledger import bank
from ledger.accounts import associated_sei, sei_for_evm
from ledger.addresses import to_bech32, to_checksum_evm

ADDRESS = (0x1005).to_bytes(20, "big")
DELEGATE_TOPIC = topic("Delegate(address,string,uint256)")
UNDELEGATE_TOPIC = topic("Undelegate(address,string,uint256)")
REDELEGATE_TOPIC = topic("Redelegate(address,string,string,uint256)")
VALIDATOR_CREATED_TOPIC = topic("ValidatorCreated(address,string,string)")
SHARE_DECIMALS = 18
PAGE_LIMIT = 100
DELEGATION_ABI = "((uint256,string),(string,uint256,uint256,string))"
VALIDATOR_ABI = "(string,bytes,bool,int32,string,string,string,int64,int64,string,string,string,int64,string)"
VALIDATORS_ABI = f"({VALIDATOR_ABI}[],bytes)"
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")


def _validator_tuple(v: ValidatorInfo) -> tuple[Any, ...]:
    return (v.operator, v.consensus_pubkey, v.jailed, v.status, v.tokens, v.delegator_shares, v.description,
            v.unbonding_height, v.unbonding_time, v.commission_rate, v.commission_max_rate,
            v.commission_max_change_rate, v.commission_update_time, v.min_self_delegation)


def _whole_usei(wei: int, what: str) -> int:
    usei, dust = divmod(wei, bank.WEI_PER_USEI)
    if dust:
        raise PrecompileError(f"{what} amount {wei} wei is not a whole number of usei (10^12 wei)")
    return usei


class StakingPrecompile(PrecompileBase):
    address = ADDRESS

    def __init__(self, backend: StakingBackend) -> None:
        super().__init__()
        self.backend = backend

    def _delegator(self, call: Call) -> bytes:
        return sei_for_evm(call.cosmos, call.sender)

    def _pay(self, view: Any, call: Call, to: bytes) -> None:
        """Move ``msg.value`` (credited to the precompile by the call) to ``to``."""
        bank.set_wei_balance(view, call.address, bank.wei_balance(view, call.address) - call.value)
        bank.set_wei_balance(view, to, bank.wei_balance(view, to) + call.value)

    @method("delegate(string)", ["bool"], 100_000, mutates=True, payable=True)
    def delegate(self, call: Call) -> tuple[bool]:
        (validator,) = call.args
        usei = _whole_usei(call.value, "delegation")
        if usei == 0:
            raise PrecompileError("set `value` field to non-zero to delegate")
        delegator = self._delegator(call)

        def run(view: Any) -> None:
            self._pay(view, call, delegator)
            self.backend.delegate(view, call.time_ns, delegator, validator, usei)

        call.apply(run)
        call.log([DELEGATE_TOPIC, int.from_bytes(call.sender, "big")], encode(["string", "uint256"], [validator, usei]))
        return (True,)

    @method("undelegate(string,uint256)", ["bool"], 100_000, mutates=True)
    def undelegate(self, call: Call) -> tuple[bool]:
        validator, amount = call.args
        delegator = self._delegator(call)
        call.apply(lambda view: self.backend.undelegate(view, call.time_ns, delegator, validator, amount))
        call.log([UNDELEGATE_TOPIC, int.from_bytes(call.sender, "big")], encode(["string", "uint256"], [validator, amount]))
        return (True,)

    @method("redelegate(string,string,uint256)", ["bool"], 100_000, mutates=True)
    def redelegate(self, call: Call) -> tuple[bool]:
        src, dst, amount = call.args
        delegator = self._delegator(call)
        call.apply(lambda view: self.backend.redelegate(view, call.time_ns, delegator, src, dst, amount))
        data = encode(["string", "string", "uint256"], [src, dst, amount])
        call.log([REDELEGATE_TOPIC, int.from_bytes(call.sender, "big")], data)
        return (True,)

    @method("createValidator(string,string,string,string,string,uint256)", ["bool"], 200_000, mutates=True, payable=True)
    def create_validator(self, call: Call) -> tuple[bool]:
        pubkey_hex, moniker, rate, max_rate, max_change_rate, min_self = call.args
        operator = associated_sei(call.cosmos, call.sender)
        if operator is None:
            raise PrecompileError(f"address {to_checksum_evm(call.sender)} is not associated")
        if not _HEX.fullmatch(pubkey_hex):
            raise PrecompileError("invalid public key hex format")
        if call.value == 0:
            raise PrecompileError("set `value` field to non-zero to send delegate fund")
        if min_self <= 0:
            raise PrecompileError("minimum self delegation must be a positive integer: invalid request")
        usei = _whole_usei(call.value, "self-delegation")
        new = NewValidatorArgs(bytes.fromhex(pubkey_hex), moniker, rate, max_rate, max_change_rate, min_self)

        def run(view: Any) -> str:
            self._pay(view, call, operator)
            return self.backend.create_validator(view, call.time_ns, operator, new, usei)

        valoper = call.apply(run)
        call.log([VALIDATOR_CREATED_TOPIC, int.from_bytes(call.sender, "big")],
                 encode(["string", "string"], [valoper, moniker]))
        return (True,)

    @method("delegation(address,string)", [DELEGATION_ABI], 5_000)
    def delegation(self, call: Call) -> tuple[tuple]:
        who, validator = call.args
        d = self.backend.delegation(call.cosmos, sei_for_evm(call.cosmos, bytes.fromhex(who[2:])), validator)
        return (((d.balance, bank.NATIVE_DENOM), (to_bech32(d.delegator), d.shares, SHARE_DECIMALS, d.validator)),)

    @method("validator(string)", [VALIDATOR_ABI], 5_000)
    def validator(self, call: Call) -> tuple[tuple]:
        return (_validator_tuple(self.backend.validator(call.cosmos, call.args[0])),)

    @method("validators(string,bytes)", [VALIDATORS_ABI], 20_000)
    def validators(self, call: Call) -> tuple[tuple]:
        status, next_key = call.args
        page, key = self.backend.validators(call.cosmos, status, next_key, PAGE_LIMIT)
        return (([_validator_tuple(v) for v in page], key),)
