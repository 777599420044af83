"""What every simulating method shares: a call object, block reference and overrides
turned into one ``Simulation`` (view, block context, message) that runs through
``evm_bridge.call.simulate``, the block's own execution path.

A call on block N's state runs in the context of block N + 1 (``Backend.simulation_context``),
like a tx sent then. Gas: the call's own, else the block gas limit, capped by the
node's ``gas_cap`` and, when the call offers a fee, by what the sender can pay (geth).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth.vm.execution_context import ExecutionContext

from eth_rpc import params as P
from eth_rpc.errors import reverted, server_error
from eth_rpc.overrides import apply_overrides, block_overrides
from evm_bridge.account_db import read_balance
from evm_bridge.api import AccessList, CallResult
from evm_bridge.call import ZERO_ADDRESS, Message, call_result, simulate
from evm_bridge.execute import Execution, Instrument
from evm_bridge.precompiles.registry import PrecompileTable
from evm_bridge.vm import execution_context
from store.api import ReadView


@dataclass(frozen=True)
class Simulation:
    view: ReadView
    context: ExecutionContext
    msg: Message
    chain_id: int
    precompiles: PrecompileTable
    #: Whether the call object set its own gas limit.
    gas_given: bool

    def run(self, gas: int | None = None, access_list: AccessList | None = None,
            instrument: Instrument | None = None) -> Execution:
        msg = self.msg if gas is None else self.msg.with_gas(gas)
        if access_list is not None:
            msg = msg.with_access_list(access_list)
        return simulate(self.view, self.context, msg, self.chain_id, self.precompiles, instrument)

    def call(self, gas: int | None = None) -> CallResult:
        return call_result(self.run(gas))

    def allowance(self) -> int:
        """The highest gas limit to try: the call's (else the block's), capped by what the
        sender can pay at its fee cap."""
        hi = self.msg.gas
        fee_cap = self.msg.fee_cap
        if fee_cap:
            funds = read_balance(self.view, self.msg.sender) - self.msg.value
            if funds < 0:
                raise server_error("insufficient funds for transfer")
            hi = min(hi, funds // fee_cap)
        return hi


def prepare(b: Any, obj: Any, ref: Any, state_overrides: Any = None, overrides: Any = None) -> Simulation:
    """Parse a call object, block reference and overrides into a ``Simulation``."""
    c = P.call_object(obj)
    height = b.block_ref(ref or "latest")
    view = apply_overrides(b.state_at(height), state_overrides)
    context = execution_context(b.simulation_context(height), block_overrides(overrides))
    cap = b.config.gas_cap
    gas = min(c["gas"] if c["gas"] is not None else context.gas_limit, cap)
    msg = Message(
        sender=c["from"] or ZERO_ADDRESS, to=c["to"], gas=gas, data=c["data"], value=c["value"],
        gas_price=c["gasPrice"], max_fee_per_gas=c["maxFeePerGas"],
        max_priority_fee_per_gas=c["maxPriorityFeePerGas"], access_list=c["accessList"],
        authorization_list=c["authorizationList"],
    )
    return Simulation(view, context, msg, b.config.evm_chain_id, b.precompiles, c["gas"] is not None)


def raise_failure(r: CallResult) -> None:
    """geth's error for a failed call: code 3 with the revert data, else -32000."""
    if r.error == "execution reverted":
        raise reverted(r.output)
    raise server_error(r.error or "execution failed")
