"""``AppEvmCaller``: the EVM behind the Wasm VM's ``evm`` bindings (``wasm_bridge.evm_bindings``).

A contract's call runs as an unsigned EVM message through the one execution path
(``evm_bridge.execute.run``, as eth_call does, but keeping its writes in the Wasm
message's view): the sender is the contract's EVM address (its association, else the
first 20 bytes of its address), no fee is charged, its gas is the Wasm gas left (capped by
the block's gas limit) and what it used is charged back to the contract. A revert fails
the Wasm message with ``execution reverted: <reason>``. Bounded depth: a contract reached
from the EVM (through the wasmd precompile) may not call the EVM again, so a chain of
calls crosses from Wasm to the EVM at most once. ``value`` must be 0 (a contract's coins
are not an EVM balance). A ``static_call`` from an ABCI smart query runs with the query's
context (no EVM chain id: ``CHAINID`` reads 0).

``delegate_call`` (Sei's ``delegate_call_evm``) runs the same way but as the Wasm message's
sender: only a contract registered as the CosmWasm pointer of ``to`` may make it (Sei:
"only pointer contract can make delegatecalls"), and the sender must be associated (as on
Sei: an EVM state change for a cast address would be lost once the account associates).
"""

from __future__ import annotations

from eth_abi import decode

from evm_bridge.api import EvmTx
from evm_bridge.call import Message, call, message_tx
from evm_bridge.execute import run
from evm_bridge.pointers import registry
from evm_bridge.pointers.synthetic import log_event
from evm_bridge.precompiles.base import ERROR_SELECTOR
from evm_bridge.precompiles.registry import PrecompileTable
from evm_bridge.vm import execution_context
from ledger.accounts import associated_evm, evm_for_sei
from ledger.addresses import to_bech32
from ledger.context import BlockContext
from store.api import KVView, ReadView
from wasm_bridge.api import EvmCallFailed, EvmCallOutcome

#: Gas cap of one Wasm -> EVM call when the block sets no gas limit.
CALL_GAS_CAP = 10_000_000


def _reason(output: bytes, error: str) -> str:
    if output[:4] == ERROR_SELECTOR:
        try:
            return f"execution reverted: {decode(['string'], output[4:])[0]}"
        except Exception:  # eth-abi raises several decoding error types
            pass
    return error or "execution reverted"


def _gas(ctx: BlockContext, gas_limit: int) -> int:
    return min(gas_limit, ctx.gas_limit if ctx.gas_limit > 0 else CALL_GAS_CAP)


def _check(ctx: BlockContext) -> None:
    if ctx.from_evm:
        raise EvmCallFailed("a Wasm contract called from the EVM cannot call the EVM", 0)


class AppEvmCaller:
    """The wasm module's factory hands one to its keeper (in every process); it runs the EVM
    with the chain's precompile table, which the module loader hands over (``use``) once
    every module exists (the table holds the wasm module's own precompiles too)."""

    def __init__(self) -> None:
        self._precompiles: PrecompileTable | None = None

    def use(self, precompiles: PrecompileTable) -> None:
        self._precompiles = precompiles

    @property
    def precompiles(self) -> PrecompileTable:
        if self._precompiles is None:
            raise RuntimeError("the wasm module's EVM caller has no precompile table: load modules with load_modules")
        return self._precompiles

    def call(
        self, view: KVView, ctx: BlockContext, sender: bytes, to: bytes, value: int, data: bytes, gas_limit: int
    ) -> EvmCallOutcome:
        _check(ctx)
        if value:
            raise EvmCallFailed("call_evm with a value is not supported", 0)
        return self._run(view, ctx, evm_for_sei(view, sender), to, data, gas_limit)

    def delegate_call(
        self, view: KVView, ctx: BlockContext, contract: bytes, sender: bytes, to: bytes, data: bytes, gas_limit: int
    ) -> EvmCallOutcome:
        _check(ctx)
        if registry.pointee_of(view, contract) != (registry.Kind.ERC20, "0x" + to.hex()):
            raise EvmCallFailed("only pointer contract can make delegatecalls", 0)
        evm_sender = associated_evm(view, sender)
        if evm_sender is None:
            raise EvmCallFailed(f"address {to_bech32(sender)} is not linked", 0)
        return self._run(view, ctx, evm_sender, to, data, gas_limit)

    def evm_address(self, view: ReadView, sei: bytes) -> tuple[bytes, bool]:
        found = associated_evm(view, sei)
        return (found, True) if found is not None else (evm_for_sei(view, sei), False)

    def _run(self, view: KVView, ctx: BlockContext, sender: bytes, to: bytes, data: bytes, gas_limit: int) -> EvmCallOutcome:
        msg = Message(sender, to, _gas(ctx, gas_limit), data)
        tx: EvmTx = message_tx(view, msg, ctx.evm_chain_id)
        result = run(tx, view, execution_context(ctx), self.precompiles, simulation=True, keep_writes=True).result
        if result.evm is None:
            raise EvmCallFailed(f"evm call failed: {result.log}", 0)
        if result.code != 0:
            raise EvmCallFailed(_reason(result.evm.output, result.evm.error), result.gas_used)
        return EvmCallOutcome(result.evm.output, result.gas_used, tuple(log_event(lg) for lg in result.evm.logs))

    def static_call(
        self, view: ReadView, ctx: BlockContext, sender: bytes, to: bytes, data: bytes, gas_limit: int
    ) -> EvmCallOutcome:
        _check(ctx)
        out = call(view, ctx, self.precompiles, evm_for_sei(view, sender), to, data, gas=_gas(ctx, gas_limit))
        if not out.valid:
            raise EvmCallFailed(f"evm call failed: {out.error}", 0)
        if not out.success:
            raise EvmCallFailed(_reason(out.output, out.error), out.gas_used)
        return EvmCallOutcome(out.output, out.gas_used)
