"""Tx validity rules with geth's wording, shared by CheckTx and block execution.

Block execution requires the sender's exact nonce. CheckTx (``abci_app/txpool``) uses
``validate`` at the tx's own nonce and leaves nonce gaps, windows and replacement to the
app's tx pool, which queues future nonces and orders each sender's txs in proposals.
"""

from __future__ import annotations

from evm_bridge.account_db import EMPTY_CODE_HASH, STORE, code_key, read_nonce
from evm_bridge.api import (
    SET_CODE_TX,
    EvmTx,
    EvmTxError,
    FeeContext,
    is_delegation,
)
from evm_bridge.gas import MAX_INITCODE_SIZE
from ledger import bank, codes
from ledger.accounts import sei_for_evm
from ledger.addresses import to_checksum_evm
from store.api import ReadView

#: geth's txMaxSize: the largest tx the mempool accepts (4 slots of 32 KiB).
MAX_TX_SIZE = 4 * 32 * 1024
_NONCE_MAX = 2**64 - 1


class _Lazy:
    """An address formatted only if an error message needs it (checksums cost a keccak)."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def __format__(self, spec: str) -> str:
        return to_checksum_evm(self.raw)


def sender_code_hash(view: ReadView, sender: bytes) -> bytes | None:
    """The code hash that makes ``sender`` a non-EOA, or None: no code, or a delegation
    designator (EIP-7702 lets a delegated account send txs)."""
    h = view.get(STORE, b"c" + sender)
    if h is None or h == EMPTY_CODE_HASH or is_delegation(view.get(STORE, code_key(h)) or b""):
        return None
    return h


def validate(
    tx: EvmTx, gas_limit: int, base_fee: int, nonce: int, balance: int, code_hash: bytes | None,
    calldata_floor: bool = True, simulation: bool = False,
) -> None:
    """Raise ``EvmTxError`` (geth wording, ABCI code) if ``tx`` cannot run on this state.

    ``nonce``, ``balance`` (wei) and ``code_hash`` (``sender_code_hash``) are the sender's; ``gas_limit`` and
    ``base_fee`` the block's; ``calldata_floor`` is False before Prague. A ``simulation``
    (an unsigned call) skips, as geth's eth_call does, the nonce, sender-code and block
    gas limit rules, and the fee-cap rule when it offers no fee.
    """
    if tx.type == SET_CODE_TX and not tx.authorization_list:
        raise EvmTxError("EIP-7702 transaction with empty auth list", codes.EVM_INVALID)
    if simulation:
        _validate_gas_and_funds(tx, balance, calldata_floor)
        if tx.max_fee_per_gas:
            _validate_fees(tx, base_fee)
        return
    addr = _Lazy(tx.sender)
    if tx.nonce != nonce:
        if tx.nonce < nonce:
            raise EvmTxError(f"nonce too low: address {addr}, tx: {tx.nonce} state: {nonce}", codes.INVALID_SEQUENCE)
        raise EvmTxError(f"nonce too high: address {addr}, tx: {tx.nonce} state: {nonce}", codes.INVALID_SEQUENCE)
    if nonce >= _NONCE_MAX:
        raise EvmTxError(f"nonce has max value: address {addr}, nonce: {nonce}", codes.INVALID_SEQUENCE)
    if code_hash is not None and code_hash != EMPTY_CODE_HASH:
        raise EvmTxError(f"sender not an eoa: address {addr}, codehash: 0x{code_hash.hex()}", codes.EVM_INVALID)
    if tx.gas > gas_limit:
        raise EvmTxError(f"exceeds block gas limit: tx gas {tx.gas}, block gas limit {gas_limit}", codes.INVALID_GAS_LIMIT)
    _validate_fees(tx, base_fee)
    _validate_gas_and_funds(tx, balance, calldata_floor)


def _validate_fees(tx: EvmTx, base_fee: int) -> None:
    addr = _Lazy(tx.sender)
    if tx.max_priority_fee_per_gas > tx.max_fee_per_gas:
        raise EvmTxError(
            f"max priority fee per gas higher than max fee per gas: address {addr}, "
            f"maxPriorityFeePerGas: {tx.max_priority_fee_per_gas}, maxFeePerGas: {tx.max_fee_per_gas}",
            codes.INSUFFICIENT_FEE,
        )
    if tx.max_fee_per_gas < base_fee:
        raise EvmTxError(
            f"max fee per gas less than block base fee: address {addr}, "
            f"maxFeePerGas: {tx.max_fee_per_gas}, baseFee: {base_fee}",
            codes.INSUFFICIENT_FEE,
        )


def _validate_gas_and_funds(tx: EvmTx, balance: int, calldata_floor: bool) -> None:
    want = tx.gas * tx.max_fee_per_gas + tx.value
    if balance < want:
        raise EvmTxError(
            f"insufficient funds for gas * price + value: address {_Lazy(tx.sender)} have {balance} want {want}",
            codes.INSUFFICIENT_FUNDS,
        )
    if tx.gas < tx.intrinsic_gas:
        raise EvmTxError(f"intrinsic gas too low: have {tx.gas}, want {tx.intrinsic_gas}", codes.INVALID_GAS_LIMIT)
    if calldata_floor and tx.gas < tx.floor_gas:
        raise EvmTxError(
            f"insufficient gas for floor data gas cost: have {tx.gas}, want {tx.floor_gas}", codes.INVALID_GAS_LIMIT
        )
    if tx.to is None and len(tx.data) > MAX_INITCODE_SIZE:
        raise EvmTxError(
            f"max initcode size exceeded: code size {len(tx.data)} limit {MAX_INITCODE_SIZE}", codes.EVM_INVALID
        )


def spendable_wei(view: ReadView, tx: EvmTx) -> int:
    """The sender's balance as execution will see it: before its first tx associates the
    key, its money may sit both at the direct-cast address and at its Sei address."""
    sei = sei_for_evm(view, tx.sender)
    if sei == tx.sender and sei != tx.sender_sei:
        return bank.wei_balance(view, tx.sender) + bank.wei_balance(view, tx.sender_sei)
    return bank.wei_balance(view, sei)


def check_tx(tx: EvmTx, view: ReadView, ctx: FeeContext) -> None:
    """CheckTx: raise ``EvmTxError`` unless ``tx`` could run next on ``view``."""
    if len(tx.raw) > MAX_TX_SIZE:
        raise EvmTxError(f"oversized data: transaction size {len(tx.raw)}, limit {MAX_TX_SIZE}", codes.TX_TOO_LARGE)
    if tx.chain_id != ctx.evm_chain_id:
        raise EvmTxError(f"invalid chain id for signer: have {tx.chain_id} want {ctx.evm_chain_id}", codes.INVALID_CHAIN_ID)
    validate(
        tx, ctx.gas_limit, ctx.base_fee_wei, read_nonce(view, tx.sender), spendable_wei(view, tx),
        sender_code_hash(view, tx.sender),
    )


#: Names the app's CheckTx uses.
EvmCheckError = EvmTxError
admit_tx = check_tx
