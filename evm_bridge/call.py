"""Simulation: an unsigned message run by ``execute.run`` exactly as a tx in a block.

eth_call, eth_estimateGas, eth_createAccessList and debug_traceCall all come here. The
message becomes an ``EvmTx`` without a signature and goes through the one execution path
with ``simulation=True``: same VM, block context, warm set, precompiles, intrinsic gas,
refunds and calldata floor as a block; only the signature-bound rules (nonce, sender
code, fee cap when no fee is offered, association) are skipped and nothing is written to
the view. A caller gives the view (state and overrides) and py-evm's block context.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from eth.vm.execution_context import ExecutionContext

from evm_bridge.account_db import read_nonce
from evm_bridge.api import (
    ACCESS_LIST_TX,
    DYNAMIC_FEE_TX,
    LEGACY_TX,
    SET_CODE_TX,
    AccessList,
    Authorization,
    CallResult,
    EvmTx,
)
from evm_bridge.execute import Execution, Instrument, run
from evm_bridge.gas import floor_gas, intrinsic_gas
from evm_bridge.precompiles.registry import PrecompileTable
from evm_bridge.vm import execution_context
from ledger.context import BlockContext
from store.api import ReadView
from store.overlay import Overlay

#: Sei's default gas cap for simulations.
SIMULATION_GAS_LIMIT = 10_000_000
ZERO_ADDRESS = bytes(20)
ZERO_HASH = bytes(32)


@dataclass(frozen=True, slots=True)
class Message:
    """An unsigned call: geth's ``TransactionArgs`` once defaults are filled in."""

    sender: bytes
    to: bytes | None
    gas: int
    data: bytes = b""
    value: int = 0
    gas_price: int | None = None
    max_fee_per_gas: int | None = None
    max_priority_fee_per_gas: int | None = None
    access_list: AccessList = ()
    nonce: int | None = None
    authorization_list: tuple[Authorization, ...] = ()

    def with_gas(self, gas: int) -> Message:
        return replace(self, gas=gas)

    def with_access_list(self, access_list: AccessList) -> Message:
        return replace(self, access_list=access_list)

    @property
    def fee_cap(self) -> int:
        """The most wei per gas it may pay (0: a free call, as geth's default)."""
        return self.gas_price if self.gas_price is not None else (self.max_fee_per_gas or 0)


def message_tx(view: ReadView, msg: Message, chain_id: int) -> EvmTx:
    """``msg`` as an unsigned ``EvmTx`` (the sender's nonce from ``view`` unless given)."""
    if msg.authorization_list:
        fee_cap = msg.max_fee_per_gas or 0
        kind, tip = SET_CODE_TX, min(msg.max_priority_fee_per_gas or 0, fee_cap)
    elif msg.gas_price is not None:
        kind, fee_cap, tip = (ACCESS_LIST_TX if msg.access_list else LEGACY_TX), msg.gas_price, msg.gas_price
    else:
        fee_cap = msg.max_fee_per_gas or 0
        kind, tip = DYNAMIC_FEE_TX, min(msg.max_priority_fee_per_gas or 0, fee_cap)
    return EvmTx(
        type=kind, chain_id=chain_id,
        nonce=read_nonce(view, msg.sender) if msg.nonce is None else msg.nonce,
        gas=msg.gas, max_fee_per_gas=fee_cap, max_priority_fee_per_gas=tip, to=msg.to, value=msg.value,
        data=msg.data, access_list=msg.access_list, v=0, r=0, s=0, sender=msg.sender, pubkey=b"",
        sender_sei=msg.sender, hash=ZERO_HASH, raw=b"",
        intrinsic_gas=intrinsic_gas(msg.data, msg.to is None, msg.access_list, len(msg.authorization_list)),
        floor_gas=floor_gas(msg.data), authorization_list=msg.authorization_list,
    )


def simulate(
    view: ReadView,
    context: ExecutionContext,
    msg: Message,
    chain_id: int,
    precompiles: PrecompileTable,
    instrument: Instrument | None = None,
) -> Execution:
    """Run ``msg`` on a scratch overlay of ``view`` in the block ``context`` with the chain's
    ``precompiles`` (``execute.run``, not committed): precompiles' native writes land in the
    overlay and are dropped."""
    tx = message_tx(view, msg, chain_id)
    return run(tx, Overlay(view), context, precompiles, simulation=True, instrument=instrument)


def call_result(execution: Execution) -> CallResult:
    """What eth_call and the estimator need of a simulation."""
    r = execution.result
    if r.evm is None:  # invalid: it did not run
        return CallResult(False, b"", 0, r.log, valid=False)
    ok = r.code == 0
    output = b"" if ok and r.evm.contract_address is not None else r.evm.output
    return CallResult(ok, output, r.gas_used, r.evm.error, r.evm.logs, execution.refund)


def call(
    view: ReadView,
    ctx: BlockContext,
    precompiles: PrecompileTable,
    sender: bytes | None,
    to: bytes | None,
    data: bytes = b"",
    value: int = 0,
    gas: int | None = None,
    gas_price: int = 0,
) -> CallResult:
    """Execute a call (``to`` set) or a creation (``to`` None) from ``sender`` in the block
    ``ctx`` with the chain's ``precompiles`` and return success, return data and the gas a
    real tx would use."""
    gas = min(gas or SIMULATION_GAS_LIMIT, max(ctx.gas_limit, SIMULATION_GAS_LIMIT))
    msg = Message(sender or ZERO_ADDRESS, to, gas, data, value, gas_price=gas_price or None)
    return call_result(simulate(view, execution_context(ctx), msg, ctx.evm_chain_id, precompiles))

