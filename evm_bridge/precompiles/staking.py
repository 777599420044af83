"""The staking precompile at ``0x…1005`` (interface ``Staking.sol``).

``delegate`` takes ``msg.value`` in wei and must be a whole number of usei (10**12 wei);
``undelegate``/``redelegate`` amounts are in usei. The delegator is the caller's Sei
address (its association, else the direct cast). The rules are the app's
(``api.StakingBackend``, injected); this file only does ABI, gas, value and events.

Gas (on top of ``base.BASE_GAS``): ``delegate``, ``undelegate``, ``redelegate`` 100,000;
``delegation``, ``validator`` 5,000.
"""

from __future__ import annotations

from eth_abi import encode

from evm_bridge.precompiles.api import PrecompileError, StakingBackend
from evm_bridge.precompiles.base import Call, PrecompileBase, method, topic
from ledger import bank
from ledger.accounts import sei_for_evm
from ledger.addresses import to_bech32

ADDRESS = (0x1005).to_bytes(20, "big")
DELEGATE_TOPIC = topic("Delegate(address,string,uint256)")
UNDELEGATE_TOPIC = topic("Undelegate(address,string,uint256)")
REDELEGATE_TOPIC = topic("Redelegate(address,string,string,uint256)")
SHARE_DECIMALS = 18
DELEGATION_ABI = "((uint256,string),(string,uint256,uint256,string))"
VALIDATOR_ABI = "(string,bytes,bool,uint8,uint256,uint256,string,uint256,uint256)"


class StakingPrecompile(PrecompileBase):
    address = ADDRESS

    def __init__(self, backend: StakingBackend) -> None:
        super().__init__()
        self.backend = backend

    def _delegator(self, call: Call) -> bytes:
        return sei_for_evm(call.cosmos, call.sender)

    @method("delegate(string)", ["bool"], 100_000, mutates=True, payable=True)
    def delegate(self, call: Call) -> tuple[bool]:
        (validator,) = call.args
        usei, dust = divmod(call.value, bank.WEI_PER_USEI)
        if dust:
            raise PrecompileError(f"delegation amount {call.value} wei is not a whole number of usei (10^12 wei)")
        if usei == 0:
            raise PrecompileError("set `value` field to non-zero to delegate")
        delegator = self._delegator(call)

        def run(view: object) -> None:
            held = bank.wei_balance(view, call.address)  # type: ignore[arg-type]
            bank.set_wei_balance(view, call.address, held - call.value)  # type: ignore[arg-type]
            bank.set_wei_balance(view, delegator, bank.wei_balance(view, delegator) + call.value)  # type: ignore[arg-type]
            self.backend.delegate(view, call.time_ns, delegator, validator, usei)  # type: ignore[arg-type]

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

    @method("delegation(address,string)", [DELEGATION_ABI], 5_000)
    def delegation(self, call: Call) -> tuple[tuple]:
        who, validator = call.args
        d = self.backend.delegation(call.cosmos, sei_for_evm(call.cosmos, bytes.fromhex(who[2:])), validator)
        return (((d.balance, bank.NATIVE_DENOM), (to_bech32(d.delegator), d.shares, SHARE_DECIMALS, d.validator)),)

    @method("validator(string)", [VALIDATOR_ABI], 5_000)
    def validator(self, call: Call) -> tuple[tuple]:
        v = self.backend.validator(call.cosmos, call.args[0])
        return ((v.operator, v.consensus_pubkey, v.jailed, v.status, v.tokens, v.shares, v.moniker,
                 v.commission_rate, v.min_self_delegation),)
