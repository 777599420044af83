"""The bank precompile at ``0x…1001`` (interface ``Bank.sol``): balances and native sends.

Gas (on top of ``base.BASE_GAS`` = 2,000): ``balance``, ``name``, ``symbol``, ``decimals``,
``supply`` 1,000; ``all_balances`` 1,000 + 200 per coin (charged after reading);
``sendNative`` 30,000; ``send`` 30,000. Only the denom's registered pointer contract may
call ``send`` (as on Sei); it moves the coins between the Sei addresses of the two EVM
addresses (their association, else the direct cast) as a native send would.
"""

from __future__ import annotations

import json

from eth_abi import encode

from evm_bridge.pointers import registry
from evm_bridge.precompiles.api import PrecompileError
from evm_bridge.precompiles.base import Call, PrecompileBase, method, topic
from ledger import bank
from ledger.accounts import sei_for_evm
from ledger.addresses import AddressError, from_bech32
from ledger.association import can_receive

ADDRESS = (0x1001).to_bytes(20, "big")
SEND_NATIVE_TOPIC = topic("SendNative(address,string,uint256)")


class BankPrecompile(PrecompileBase):
    address = ADDRESS

    @method("balance(address,string)", ["uint256"], 1_000)
    def balance(self, call: Call) -> tuple[int]:
        acc, denom = call.args
        sei = sei_for_evm(call.cosmos, bytes.fromhex(acc[2:]))
        return (bank.balance(call.cosmos, sei, denom),)

    @method("all_balances(address)", ["(uint256,string)[]"], 1_000)
    def all_balances(self, call: Call) -> tuple[list[tuple[int, str]]]:
        sei = sei_for_evm(call.cosmos, bytes.fromhex(call.args[0][2:]))
        coins = {d: a for d, a in bank.all_balances(call.cosmos, sei)}
        coins[bank.NATIVE_DENOM] = bank.balance(call.cosmos, sei)
        found = [(a, d) for d, a in sorted(coins.items()) if a]
        call.computation.consume_gas(200 * len(found), reason="precompile all_balances")
        return (found,)

    def _metadata(self, call: Call, denom: str) -> dict:
        raw = call.cosmos.get(bank.STORE, b"m" + denom.encode())
        if raw is None and denom != bank.NATIVE_DENOM:
            raise PrecompileError(f"denom {denom} has no metadata")
        return json.loads(raw) if raw else {"name": "SEI", "symbol": "SEI", "denom_units": [{"exponent": 6}]}

    @method("name(string)", ["string"], 1_000)
    def name(self, call: Call) -> tuple[str]:
        return (str(self._metadata(call, call.args[0]).get("name", call.args[0])),)

    @method("symbol(string)", ["string"], 1_000)
    def symbol(self, call: Call) -> tuple[str]:
        return (str(self._metadata(call, call.args[0]).get("symbol", call.args[0])),)

    @method("decimals(string)", ["uint8"], 1_000)
    def decimals(self, call: Call) -> tuple[int]:
        units = self._metadata(call, call.args[0]).get("denom_units", [])
        return (max((int(u.get("exponent", 0)) for u in units), default=0),)

    @method("supply(string)", ["uint256"], 1_000)
    def supply(self, call: Call) -> tuple[int]:
        return (bank.supply(call.cosmos, call.args[0]),)

    @method("send(address,address,string,uint256)", ["bool"], 30_000, mutates=True)
    def send(self, call: Call) -> tuple[bool]:
        src, dst, denom, amount = call.args
        if not denom:
            raise PrecompileError("invalid denom")
        pointer = registry.get(call.cosmos, registry.Kind.NATIVE, denom)
        if pointer is None or pointer.address != call.sender:
            raise PrecompileError(f"only the pointer contract of {denom} may call send")
        if amount == 0:
            return (True,)
        sender, recipient = (bytes.fromhex(a[2:]) for a in (src, dst))
        if not any(sender) or not any(recipient):
            raise PrecompileError("invalid addr")
        sei_from, sei_to = sei_for_evm(call.cosmos, sender), sei_for_evm(call.cosmos, recipient)

        def move(view: object) -> None:
            try:
                bank.transfer(view, sei_from, sei_to, denom, amount)  # type: ignore[arg-type]
            except bank.InsufficientFunds as e:
                raise PrecompileError(f"{e}: insufficient funds") from None

        call.apply(move)
        return (True,)

    @method("sendNative(string)", ["bool"], 30_000, mutates=True, payable=True)
    def send_native(self, call: Call) -> tuple[bool]:
        (to_text,) = call.args
        try:
            recipient = from_bech32(to_text)
        except AddressError as e:
            raise PrecompileError(f"invalid recipient {to_text!r}: {e}") from None
        if call.value == 0:
            raise PrecompileError("set `value` field to non-zero to send")
        if not can_receive(call.cosmos, recipient):
            raise PrecompileError(f"{to_text} is the cast address of an associated account: invalid bank recipient")

        def move(view: object) -> None:
            held = bank.wei_balance(view, call.address)  # type: ignore[arg-type]
            bank.set_wei_balance(view, call.address, held - call.value)  # type: ignore[arg-type]
            bank.set_wei_balance(view, recipient, bank.wei_balance(view, recipient) + call.value)  # type: ignore[arg-type]

        call.apply(move)
        call.log([SEND_NATIVE_TOPIC, int.from_bytes(call.sender, "big")], encode(["string", "uint256"], [to_text, call.value]))
        return (True,)
