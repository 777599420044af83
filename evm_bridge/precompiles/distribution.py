"""The distribution precompile at ``0x…1007`` (interface ``Distribution.sol``, Sei's signatures).

The delegator is the caller's Sei address (its association, else the direct cast, as for
the staking precompile); the withdraw address and ``rewards``' argument are EVM addresses
read the same way (the zero address is refused). Withdrawn amounts and event amounts are
usei; ``rewards`` reports each coin as Sei does, as an 18-decimal fixed-point amount
(``amount`` = usei x 10**18, ``decimals`` 18), with empty coin lists for nothing owed.
``withdrawValidatorCommission`` always fails with the SDK's "no validator commission to
withdraw": the app pays commission to the operator when each block's fees are allocated.
The rules are the app's (``api.DistributionBackend``, injected); this file only does ABI,
gas and events.

Gas (on top of ``base.BASE_GAS``): ``setWithdrawAddress`` 50,000;
``withdrawDelegationRewards``, ``withdrawValidatorCommission`` 100,000;
``withdrawMultipleDelegationRewards`` 100,000 per validator; ``rewards`` 10,000.
"""

from __future__ import annotations

from typing import Any

from eth_abi import encode
from eth_hash.auto import keccak

from evm_bridge.precompiles.api import DistributionBackend, PrecompileError
from evm_bridge.precompiles.base import Call, PrecompileBase, method, topic
from ledger import bank
from ledger.accounts import sei_for_evm
from ledger.addresses import VALOPER_PREFIX, to_bech32

ADDRESS = (0x1007).to_bytes(20, "big")
WITHDRAW_ADDRESS_SET_TOPIC = topic("WithdrawAddressSet(address,address)")
REWARDS_WITHDRAWN_TOPIC = topic("DelegationRewardsWithdrawn(address,string,uint256)")
MULTIPLE_REWARDS_WITHDRAWN_TOPIC = topic("MultipleDelegationRewardsWithdrawn(address,string[],uint256[])")
COMMISSION_WITHDRAWN_TOPIC = topic("ValidatorCommissionWithdrawn(string,uint256)")
WITHDRAW_GAS = 100_000
COIN_DECIMALS = 18
COIN_ABI = "(uint256,uint256,string)"
REWARDS_ABI = f"(({COIN_ABI}[],string)[],{COIN_ABI}[])"
ZERO = b"\x00" * 20


def _coins(usei: int) -> list[tuple[int, int, str]]:
    return [(usei * 10**COIN_DECIMALS, COIN_DECIMALS, bank.NATIVE_DENOM)] if usei else []


def _account(call: Call, text: str) -> bytes:
    evm = bytes.fromhex(text[2:])
    if evm == ZERO:
        raise PrecompileError("invalid addr")
    return sei_for_evm(call.cosmos, evm)


class DistributionPrecompile(PrecompileBase):
    address = ADDRESS

    def __init__(self, backend: DistributionBackend) -> None:
        super().__init__()
        self.backend = backend

    def _delegator(self, call: Call) -> bytes:
        return sei_for_evm(call.cosmos, call.sender)

    def _topics(self, signature: int, call: Call) -> list[int]:
        return [signature, int.from_bytes(call.sender, "big")]

    @method("setWithdrawAddress(address)", ["bool"], 50_000, mutates=True)
    def set_withdraw_address(self, call: Call) -> tuple[bool]:
        (target,) = call.args
        delegator, account = self._delegator(call), _account(call, target)
        call.apply(lambda view: self.backend.set_withdraw_address(view, delegator, account))
        call.log(self._topics(WITHDRAW_ADDRESS_SET_TOPIC, call), encode(["address"], [target]))
        return (True,)

    @method("withdrawDelegationRewards(string)", ["bool"], WITHDRAW_GAS, mutates=True)
    def withdraw_delegation_rewards(self, call: Call) -> tuple[bool]:
        (validator,) = call.args
        delegator = self._delegator(call)
        paid = call.apply(lambda view: self.backend.withdraw_rewards(view, delegator, validator))
        call.log(self._topics(REWARDS_WITHDRAWN_TOPIC, call), encode(["string", "uint256"], [validator, paid]))
        return (True,)

    @method("withdrawMultipleDelegationRewards(string[])", ["bool"], 0, mutates=True)
    def withdraw_multiple_delegation_rewards(self, call: Call) -> tuple[bool]:
        validators = list(call.args[0])
        call.computation.consume_gas(WITHDRAW_GAS * len(validators), reason="precompile withdrawMultipleDelegationRewards")
        delegator = self._delegator(call)

        def run(view: Any) -> list[int]:
            return [self.backend.withdraw_rewards(view, delegator, v) for v in validators]

        paid = call.apply(run)
        data = encode(["string[]", "uint256[]"], [validators, paid])
        call.log(self._topics(MULTIPLE_REWARDS_WITHDRAWN_TOPIC, call), data)
        return (True,)

    @method("withdrawValidatorCommission()", ["bool"], WITHDRAW_GAS, mutates=True)
    def withdraw_validator_commission(self, call: Call) -> tuple[bool]:
        operator = self._delegator(call)
        paid = call.apply(lambda view: self.backend.withdraw_commission(view, operator))
        indexed = int.from_bytes(keccak(to_bech32(operator, VALOPER_PREFIX).encode()), "big")  # an indexed string
        call.log([COMMISSION_WITHDRAWN_TOPIC, indexed], encode(["uint256"], [paid]))
        return (True,)

    @method("rewards(address)", [REWARDS_ABI], 10_000)
    def rewards(self, call: Call) -> tuple[tuple]:
        owed = self.backend.rewards(call.cosmos, _account(call, call.args[0]))
        per = [(_coins(r.amount), r.validator) for r in owed]
        return ((per, _coins(sum(r.amount for r in owed))),)
