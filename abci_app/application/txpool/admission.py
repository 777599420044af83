"""CheckTx and recheck of an Ethereum tx: the committed state decides what is too low or
unaffordable, the pool decides the rest (window, queue cap, replacement, eviction).

A tx is checked against the committed state at its own nonce: its funds must cover its
cost plus what the sender's held txs with lower nonces may spend. Admitted txs are held
in the pool, so the sender's next tx is checked after them whatever the arrival order.
"""

from __future__ import annotations

from abci_app.application.txpool.pool import TxPool
from evm_bridge.account_db import read_nonce
from evm_bridge.api import EvmTx, EvmTxError
from evm_bridge.checks import MAX_TX_SIZE, sender_code_hash, spendable_wei, validate
from ledger import codes
from ledger.addresses import to_checksum_evm
from ledger.codes import TxError
from ledger.context import BlockContext
from store.api import ReadView


def check_evm(
    pool: TxPool, tx: EvmTx, view: ReadView, ctx: BlockContext, height: int, recheck: bool, local: bool = False
) -> int:
    """Admit (or keep, on recheck) ``tx``; returns its gas wanted, raises ``TxError``.

    ``view`` is the check state (committed state plus pending native effects), ``height``
    the last committed height; ``local``: the tx is held in the pool only (not in
    CometBFT's mempool), and one the pool holds already is refused as already known.
    """
    if local and pool.find(tx.hash) is not None:
        raise TxError(codes.TX_IN_MEMPOOL, "already known", "evm")
    if recheck:
        why = pool.buried(tx.hash)
        if why is not None:
            raise TxError(codes.INVALID_SEQUENCE, why, "evm")
        held = pool.holder(tx.sender, tx.nonce)
        if held is not None and held.hash != tx.hash:
            raise TxError(codes.INVALID_SEQUENCE, "replaced by a transaction with a higher fee", "evm")
        if held is not None:
            return _keep(pool, tx, view, height)
    state_nonce = read_nonce(view, tx.sender)
    _static_checks(tx, ctx, state_nonce)
    if pool.check_slot(tx, state_nonce):
        return tx.gas
    balance = spendable_wei(view, tx) - pool.reserved_below(tx.sender, tx.nonce)
    _validate(tx, ctx, max(0, balance), view)
    pool.insert(tx, state_nonce, height, local)
    return tx.gas


def _keep(pool: TxPool, tx: EvmTx, view: ReadView, height: int) -> int:
    """Recheck of a held tx: it stays unless a block used its nonce or its funds."""
    state_nonce = read_nonce(view, tx.sender)
    if tx.nonce < state_nonce:
        pool.remove(tx)
        raise TxError(codes.INVALID_SEQUENCE, _too_low(tx, state_nonce), "evm")
    cost = tx.gas * tx.max_fee_per_gas + tx.value
    have = spendable_wei(view, tx)
    if have < cost:
        pool.remove(tx)
        raise TxError(
            codes.INSUFFICIENT_FUNDS,
            f"insufficient funds for gas * price + value: address {to_checksum_evm(tx.sender)} "
            f"have {have} want {cost}",
            "evm",
        )
    pool.mark_seen(tx, height)
    return tx.gas


def _too_low(tx: EvmTx, state_nonce: int) -> str:
    return f"nonce too low: address {to_checksum_evm(tx.sender)}, tx: {tx.nonce} state: {state_nonce}"


def _static_checks(tx: EvmTx, ctx: BlockContext, state_nonce: int) -> None:
    if len(tx.raw) > MAX_TX_SIZE:
        raise TxError(codes.TX_TOO_LARGE, f"oversized data: transaction size {len(tx.raw)}, limit {MAX_TX_SIZE}", "evm")
    if tx.chain_id != ctx.evm_chain_id:
        raise TxError(codes.INVALID_CHAIN_ID,
                      f"invalid chain id for signer: have {tx.chain_id} want {ctx.evm_chain_id}", "evm")
    if tx.nonce < state_nonce:
        raise TxError(codes.INVALID_SEQUENCE, _too_low(tx, state_nonce), "evm")


def _validate(tx: EvmTx, ctx: BlockContext, balance: int, view: ReadView) -> None:
    """geth's remaining checks (fees, funds, gas, sender kind) at the tx's own nonce."""
    try:
        validate(tx, ctx.gas_limit, ctx.base_fee_wei, tx.nonce, balance, sender_code_hash(view, tx.sender))
    except EvmTxError as e:
        raise TxError(e.code, str(e), "evm") from None
