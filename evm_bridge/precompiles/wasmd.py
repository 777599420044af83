"""The wasmd precompile at ``0x…1002`` (interface ``Wasmd.sol``): CosmWasm from Solidity.

``instantiate``, ``execute`` and ``execute_batch`` are payable: ``msg.value`` (wei, a whole
number of usei) must equal the usei in ``coins`` (JSON ``[{"denom","amount"}]``, empty
bytes for none; a batch sums its messages' coins). The value moves from the precompile to
the caller's Sei address (its association, else the direct cast), which is the contract's
``info.sender`` and pays the coins. The rules are the app's (``api.WasmBackend``, injected).

Gas (on top of ``base.BASE_GAS``): ``instantiate`` 20,000, ``execute`` 10,000 and
``execute_batch`` 10,000 per message, ``query`` 2,000, plus the contract's own Wasm gas
(1 SDK gas = 1 EVM gas), metered against the gas the call has left. A contract that fails
reverts with its error text and keeps the gas it used; one that runs out of gas fails the
call like an EVM out-of-gas. Writes go through the tx's journal (``nativeview``), so an
enclosing revert undoes them. No EVM logs are emitted (as in Sei).

A CW20's registered ERC-20 pointer may reach ``execute`` by DELEGATECALL: the contract's
sender is then the wallet that called the pointer (``check_delegatecall``).

Contracts called this way see ``env.block`` with the EVM block's height, its timestamp in
whole seconds and an empty ``chain_id`` (the EVM side knows only the numeric chain id).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eth.exceptions import OutOfGas

from evm_bridge.pointers import registry
from evm_bridge.precompiles.api import CosmosCallFailed, PrecompileError, WasmBackend, WasmCall, WasmOutcome
from evm_bridge.precompiles.base import Call, Method, PrecompileBase, method
from ledger import bank
from ledger.accounts import sei_for_evm
from untrusted import json_text

ADDRESS = (0x1002).to_bytes(20, "big")
EXECUTE_MSG_ABI = "(string,bytes,bytes)"
Coins = tuple[tuple[str, int], ...]


def parse_coins(raw: bytes) -> Coins:
    """``coins`` argument bytes -> sorted (denom, amount) pairs; empty bytes -> none."""
    if not raw:
        return ()
    try:
        items = json_text.loads(raw)
        pairs = [(str(c["denom"]), int(str(c["amount"]))) for c in items]
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as e:
        raise PrecompileError(f"invalid coins {raw[:100]!r}: {e}") from None
    out: dict[str, int] = {}
    for denom, amount in pairs:
        if amount <= 0 or not denom or denom in out:
            raise PrecompileError(f"invalid coins {raw[:100]!r}: amounts must be positive, denoms unique")
        out[denom] = amount
    return tuple(sorted(out.items()))


class WasmdPrecompile(PrecompileBase):
    address = ADDRESS

    delegatecall_methods = frozenset({"execute"})

    def check_delegatecall(self, m: Method, call: Call, caller_contract: bytes) -> None:
        """``execute`` by DELEGATECALL only from the registered pointer of the contract it
        executes (the pointer's caller is then the contract's sender), as on Sei."""
        found = registry.get(call.cosmos, registry.Kind.CW20, call.args[0])
        if found is None or found.address != caller_contract:
            raise PrecompileError(f"0x{caller_contract.hex()} is not a pointer of {call.args[0]}")

    def __init__(self, backend: WasmBackend) -> None:
        super().__init__()
        self.backend = backend

    # ---- helpers ----

    def _call(self, call: Call, gas_limit: int, funds: Coins = ()) -> WasmCall:
        ctx = call.computation.state.execution_context
        return WasmCall(sei_for_evm(call.cosmos, call.sender), int(ctx.block_number), call.time_ns, gas_limit, funds)

    def _check_value(self, call: Call, funds: Sequence[Coins]) -> None:
        usei = sum(dict(f).get(bank.NATIVE_DENOM, 0) for f in funds)
        if usei * bank.WEI_PER_USEI != call.value:
            raise PrecompileError(f"coin amount must equal value specified: {usei}usei vs {call.value} wei")

    def _pay_sender(self, call: Call, view: Any, sender: bytes) -> None:
        """``msg.value`` reached the precompile's account; hand it to the caller's Sei address."""
        if call.value:
            bank.set_wei_balance(view, call.address, bank.wei_balance(view, call.address) - call.value)
            bank.set_wei_balance(view, sender, bank.wei_balance(view, sender) + call.value)

    def _run(self, call: Call, work: Callable[[Any], Any]) -> Any:
        """``call.apply(work)`` charging the Wasm gas used, also when the contract fails."""
        try:
            result, used = call.apply(work)
        except CosmosCallFailed as e:
            if e.out_of_gas:
                raise OutOfGas(f"wasm contract: {e}") from None
            call.computation.consume_gas(e.gas_used, reason="wasm contract")
            raise PrecompileError(str(e)) from None
        call.computation.consume_gas(used, reason="wasm contract")
        return result

    # ---- methods ----

    @method("instantiate(uint64,string,bytes,string,bytes)", ["string", "bytes"], 20_000, mutates=True, payable=True)
    def instantiate(self, call: Call) -> tuple[str, bytes]:
        code_id, admin, msg, label, coins = call.args
        funds = parse_coins(coins)
        self._check_value(call, [funds])
        wasm_call = self._call(call, call.computation.get_gas_remaining(), funds)

        def work(view: Any) -> tuple[WasmOutcome, int]:
            self._pay_sender(call, view, wasm_call.sender)
            out = self.backend.instantiate(view, wasm_call, code_id, admin, msg, label)
            return out, out.gas_used

        out = self._run(call, work)
        return out.contract, out.data

    @method("execute(string,bytes,bytes)", ["bytes"], 10_000, mutates=True, payable=True)
    def execute(self, call: Call) -> tuple[bytes]:
        contract, msg, coins = call.args
        funds = parse_coins(coins)
        self._check_value(call, [funds])
        wasm_call = self._call(call, call.computation.get_gas_remaining(), funds)

        def work(view: Any) -> tuple[WasmOutcome, int]:
            self._pay_sender(call, view, wasm_call.sender)
            out = self.backend.execute(view, wasm_call, contract, msg)
            return out, out.gas_used

        return (self._run(call, work).data,)

    @method(f"execute_batch({EXECUTE_MSG_ABI}[])", ["bytes[]"], 0, mutates=True, payable=True)
    def execute_batch(self, call: Call) -> tuple[list[bytes]]:
        (batch,) = call.args
        if not batch:
            raise PrecompileError("no messages to execute")
        call.computation.consume_gas(10_000 * len(batch), reason="precompile execute_batch")
        funds = [parse_coins(coins) for _, _, coins in batch]
        self._check_value(call, funds)
        limit = call.computation.get_gas_remaining()
        base = self._call(call, limit)

        def work(view: Any) -> tuple[list[bytes], int]:
            self._pay_sender(call, view, base.sender)
            used, results = 0, []
            for (contract, msg, _), f in zip(batch, funds, strict=True):
                one = WasmCall(base.sender, base.height, base.time_ns, limit - used, f)
                try:
                    out = self.backend.execute(view, one, contract, msg)
                except CosmosCallFailed as e:
                    raise CosmosCallFailed(str(e), used + e.gas_used, e.out_of_gas) from None
                used += out.gas_used
                results.append(out.data)
            return results, used

        return (self._run(call, work),)

    @method("query(string,bytes)", ["bytes"], 2_000)
    def query(self, call: Call) -> tuple[bytes]:
        contract, req = call.args
        wasm_call = self._call(call, call.computation.get_gas_remaining())

        def work(view: Any) -> tuple[WasmOutcome, int]:
            out = self.backend.query(view, wasm_call, contract, req)
            return out, out.gas_used

        return (self._run(call, work).data,)
