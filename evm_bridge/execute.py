"""Execution of one Ethereum tx: a pure function of (tx, block context, view).

Steps: association of the signer on its first tx, validity (nonce, fees, funds, gas),
buy gas, run the call or creation, refund, and the receipt. The fee (gas used x
effective gas price, base fee and priority tip alike) is debited from the sender here
but credited to the fee collector by the app at the end of the block from
``TxResult.fee_wei``: the coinbase/fee collector is never written by a tx, so txs of
different senders do not conflict on it. A failed execution (revert, out of gas) still
pays for its gas and bumps the nonce; its other writes are dropped. An invalid tx
returns a non-zero code and writes nothing. A plain value transfer in a block skips py-evm
(``transfer``): the same result and the same writes, computed directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth._utils.address import generate_contract_address
from eth.exceptions import OutOfGas, Revert
from eth.vm.execution_context import ExecutionContext

from evm_bridge.account_db import EMPTY_CODE_HASH, STORE, read_nonce
from evm_bridge.api import EvmLog, EvmReceipt, EvmTx, EvmTxError
from evm_bridge.checks import sender_code_hash, validate
from evm_bridge.precompiles.registry import PrecompileTable
from evm_bridge.receipts import EMPTY_BLOOM, logs_bloom
from evm_bridge.transfer import apply_transfer, transfer_recipient
from evm_bridge.vm import NEWEST_FORK, VmTx, execution_context, state_class
from ledger import bank, codes
from ledger.accounts import associated_sei
from ledger.association import link
from ledger.context import BlockContext
from ledger.results import Event, TxResult
from store.api import KVView

#: Subclasses a VM state class to observe execution (a tracer's hook).
Instrument = Callable[[type[Any]], type[Any]]


def _associate_signer(view: KVView, tx: EvmTx) -> None:
    """Link the signer's EVM and Sei addresses and move any coins sent to the EVM address
    before the link (held under the direct cast) to the Sei address."""
    link(view, tx.sender_sei, tx.sender)


def error_text(error: Exception | None) -> str:
    """geth's words for a failed execution."""
    if error is None:
        return ""
    if isinstance(error, Revert):
        return "execution reverted"
    if isinstance(error, OutOfGas):
        return "out of gas"
    return str(error) or type(error).__name__


@dataclass(frozen=True, slots=True)
class Execution:
    """What ``run`` returns: the tx's result and, when it ran, py-evm's computation (its
    call tree, for tracers) and the refund it was credited."""

    result: TxResult
    computation: Any = None
    refund: int = 0


def execute_tx(tx: EvmTx, ctx: BlockContext, view: KVView, precompiles: PrecompileTable) -> TxResult:
    """Execute ``tx`` in the block ``ctx`` on ``view`` with the chain's ``precompiles``; see
    the module docstring."""
    return run(tx, view, execution_context(ctx), precompiles).result


def run_tx(
    tx: EvmTx, view: KVView, context: ExecutionContext, precompiles: PrecompileTable, fork: str = NEWEST_FORK
) -> TxResult:
    """``execute_tx`` with py-evm's block context and a chosen fork (fixtures use older ones)."""
    return run(tx, view, context, precompiles, fork).result


def run(
    tx: EvmTx,
    view: KVView,
    context: ExecutionContext,
    precompiles: PrecompileTable,
    fork: str = NEWEST_FORK,
    *,
    simulation: bool = False,
    keep_writes: bool = False,
    instrument: Instrument | None = None,
    transfer_fast_path: bool = True,
) -> Execution:
    """The one execution of an Ethereum tx, for blocks and simulations alike, with the
    chain's ``precompiles`` (``evm_bridge.precompiles.registry.precompile_table``).

    A ``simulation`` (eth_call, estimates, access lists, traced calls) has no signature: it
    skips the nonce, sender-code and fee-cap rules as geth's eth_call does, associates no
    addresses (it has no public key) and writes nothing to ``view`` unless ``keep_writes``
    (a simulated sequence of calls, eth_simulateV1, where each call sees the ones before).
    ``instrument`` may subclass the VM state (tracers); it must not change what the tx does.
    A plain value transfer of a block (neither a simulation nor instrumented) takes the
    fast path (``transfer``) unless ``transfer_fast_path`` is False (its oracle test).
    """
    base_fee = context.base_fee_per_gas
    sei = associated_sei(view, tx.sender)
    if sei is None and simulation:
        sei = tx.sender  # the direct cast, as every read of an unassociated address
    if sei is None:
        balance = bank.wei_balance(view, tx.sender) + bank.wei_balance(view, tx.sender_sei)
    else:
        balance = bank.wei_balance(view, sei)
    nonce = read_nonce(view, tx.sender)
    code_hash = view.get(STORE, b"c" + tx.sender)
    try:
        validate(tx, context.gas_limit, base_fee, nonce, balance, code_hash and sender_code_hash(view, tx.sender),
                 calldata_floor=fork != "Cancun", simulation=simulation)
    except EvmTxError as e:
        return Execution(TxResult(code=e.code, log=str(e), codespace="evm", gas_wanted=tx.gas))
    if sei is None:
        _associate_signer(view, tx)
        sei = tx.sender_sei
    cls = state_class(fork)
    if transfer_fast_path and not simulation and instrument is None:
        to_sei = transfer_recipient(tx, view, sei, precompiles, cls.computation_class.get_precompiles())
        if to_sei is not None:
            gas_used = apply_transfer(tx, view, sei, to_sei, nonce, balance, tx.effective_gas_price(base_fee))
            return Execution(_tx_result(tx, base_fee, gas_used, True, (), "", b""))
    state = (instrument(cls) if instrument is not None else cls)(view, context, precompiles)
    state.account_db.seed(tx.sender, sei, nonce, balance, code_hash or EMPTY_CODE_HASH)
    try:
        computation = state.transaction_executor_class(state)(VmTx.of(tx))
        if not simulation or keep_writes:
            state.account_db.flush()
    except Exception as e:  # a py-evm invariant broke: report, never halt the chain
        log = f"internal EVM error: {e}"
        return Execution(TxResult(code=codes.INTERNAL, log=log, codespace="evm", gas_wanted=tx.gas))
    return _result(tx, base_fee, computation)


def _result(tx: EvmTx, base_fee: int, computation: Any) -> Execution:
    c = computation
    ok = c.is_success
    logs = tuple(
        EvmLog(addr, tuple(t.to_bytes(32, "big") for t in topics), data)
        for addr, topics, data in c.get_log_entries()
    ) if ok else ()
    error = "" if ok else error_text(c.error)
    output = b"" if ok and tx.to is None else c.output
    # the gas as the executor charged it (``vm``)
    return Execution(_tx_result(tx, base_fee, c.tx_gas_used, ok, logs, error, output), c, c.tx_refund)


def _tx_result(
    tx: EvmTx, base_fee: int, gas_used: int, ok: bool, logs: tuple[EvmLog, ...], error: str, output: bytes
) -> TxResult:
    """The result and receipt of an executed tx (py-evm's or the fast path's)."""
    price = tx.effective_gas_price(base_fee)
    created = generate_contract_address(tx.sender, tx.nonce) if tx.to is None else None
    receipt = EvmReceipt(
        tx_hash=tx.hash, type=tx.type, status=1 if ok else 0, gas_used=gas_used,
        logs=logs, bloom=logs_bloom(logs) if logs else EMPTY_BLOOM,
        contract_address=created, effective_gas_price=price, sender=tx.sender, to=tx.to,
        output=output, error=error,
    )
    attrs = [("tx_hash", "0x" + tx.hash.hex()), ("from", "0x" + tx.sender.hex())]
    if tx.to is not None:
        attrs.append(("to", "0x" + tx.to.hex()))
    if created is not None:
        attrs.append(("contract_address", "0x" + created.hex()))
    attrs += [("gas_used", str(gas_used)), ("status", str(receipt.status))]
    return TxResult(
        code=0 if ok else codes.EVM_REVERTED,
        log="" if ok else error,
        codespace="" if ok else "evm",
        gas_wanted=tx.gas,
        gas_used=gas_used,
        events=(Event("evm", tuple(attrs)),),
        data=output,
        fee_wei=gas_used * price,
        evm=receipt,
    )
