"""The ante step of a native tx: the checks and effects before its messages run.

Shared by CheckTx, FinalizeBlock and Simulate. All checks come first, in this order, each
with its own code; only when every one passes does it write (so a rejected tx changes
nothing):

=====================================  ====================  =============================
check                                  code                  log (SDK wording)
=====================================  ====================  =============================
chain id extension names another       INVALID_CHAIN_ID      invalid chain-id; expected ..
timeout height passed                  INVALID_REQUEST       tx timeout height ...
gas limit above the block's            INVALID_GAS_LIMIT     tx gas limit ... exceeds ...
gas needed above gas limit             OUT_OF_GAS            out of gas; gasWanted ..
signer has no account                  NOT_FOUND             account sei1.. not found
sequence differs from the account's    INVALID_SEQUENCE      account sequence mismatch ..
bad signature (or foreign chain id)    UNAUTHORIZED          signature verification failed
fee not usei / below min gas price     INSUFFICIENT_FEE      insufficient fee; got: ..
balance below the fee                  INSUFFICIENT_FUNDS    insufficient funds to pay ..
=====================================  ====================  =============================

Effects: the fee (usei) is debited from the signer and returned as wei owed to the fee
collector, which the app credits at the end of the block (the collector is never written
here, so txs of different senders do not conflict); the sequence is incremented; the public
key is stored on first use; the signer's EVM address is associated with its Sei address.

Gas is a deterministic static charge: ``TX_GAS + size * GAS_PER_BYTE + SIG_GAS`` per
signature (a multisig's: its signatures, at least its threshold) plus each message
handler's flat ``gas``; it must not exceed the tx's gas limit. A multisig account keeps no
public key and gets no EVM address (it has no single key to derive one from).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from abci_app.cosmos_tx.coins import format_coins
from abci_app.cosmos_tx.decode import CosmosTx, verify_signature
from ledger import accounts, association, bank, codes
from ledger.addresses import evm_address_from_pubkey
from ledger.codes import TxError
from ledger.context import BlockContext
from ledger.results import Event
from store.api import KVView

TX_GAS = 20_000
GAS_PER_BYTE = 10
SIG_GAS = 1_000
#: Simulation sees no signature, fee or chain id extension: charge for them as if present.
SIMULATION_EXTRA_BYTES = 64 + 128
#: ``BlockContext.min_gas_price_usei`` is usei per gas scaled by this.
GAS_PRICE_SCALE = 10**6
FEE_DENOM = bank.NATIVE_DENOM


@dataclass(frozen=True)
class AnteResult:
    fee_wei: int  # owed to the fee collector (already debited from the signer)
    gas_used: int
    account_number: int  # the signature was verified against this account number
    events: tuple[Event, ...]


def gas_needed(tx: CosmosTx, *, simulate: bool = False) -> int:
    size = tx.size + (SIMULATION_EXTRA_BYTES if simulate else 0)
    signatures = max(tx.signature_count, tx.multisig.threshold if tx.multisig is not None else 1)
    return TX_GAS + size * GAS_PER_BYTE + SIG_GAS * signatures + tx.msg_gas


def required_fee(gas_limit: int, price: Fraction) -> int:
    """ceil(gas_limit * price) usei."""
    return -((-gas_limit * price.numerator) // price.denominator)


def min_gas_price(ctx: BlockContext, local: str | Fraction | None = None) -> Fraction:
    """The higher of the chain's (context) and the node's local (CheckTx only) minimum."""
    chain = Fraction(ctx.min_gas_price_usei, GAS_PRICE_SCALE)
    return max(chain, _price(local)) if local is not None else chain


@lru_cache(maxsize=64)
def _price(text: str | Fraction) -> Fraction:
    return Fraction(text)


def ante(
    tx: CosmosTx,
    view: KVView,
    ctx: BlockContext,
    *,
    verified_account: int = -1,
    local_min_gas_price: str | Fraction | None = None,
    simulate: bool = False,
) -> AnteResult:
    """Run the checks, then the effects; raises ``TxError``.

    ``verified_account``: the account number CheckTx already verified this tx's signature
    against (-1: none); the check is skipped when it equals the account's number.
    ``local_min_gas_price``: the node's own minimum (usei per gas), applied in CheckTx only.
    ``simulate``: no signature or fee checks (fee estimation).
    """
    signer = tx.signer_bech32
    if tx.chain_id is not None and tx.chain_id != ctx.chain_id:
        raise TxError(codes.INVALID_CHAIN_ID, f"invalid chain-id; expected {ctx.chain_id}, got {tx.chain_id}")
    if tx.timeout_height and ctx.height > tx.timeout_height:
        raise TxError(
            codes.INVALID_REQUEST,
            f"block height: {ctx.height}, timeout height: {tx.timeout_height}: tx timeout height",
        )
    if ctx.gas_limit > 0 and tx.gas_limit > ctx.gas_limit:
        raise TxError(
            codes.INVALID_GAS_LIMIT, f"tx gas limit {tx.gas_limit} exceeds block gas limit {ctx.gas_limit}"
        )
    gas = gas_needed(tx, simulate=simulate)
    if not simulate and gas > tx.gas_limit:
        raise TxError(codes.OUT_OF_GAS, f"out of gas; gasWanted: {tx.gas_limit}, gasUsed: {gas}: out of gas")
    account = accounts.get_account(view, tx.signer)
    if account is None:
        raise TxError(codes.NOT_FOUND, f"account {signer} not found")
    if tx.sequence != account.sequence:
        raise TxError(
            codes.INVALID_SEQUENCE,
            f"account sequence mismatch, expected {account.sequence}, got {tx.sequence}: incorrect account sequence",
        )
    if (
        not simulate
        and verified_account != account.number
        and not verify_signature(tx, ctx.chain_id, account.number)
    ):
        raise TxError(
            codes.UNAUTHORIZED,
            f"signature verification failed; please verify account number ({account.number}), "
            f"sequence ({account.sequence}) and chain-id ({ctx.chain_id}): unauthorized",
        )
    fee = _fee_usei(tx, ctx, local_min_gas_price, simulate)
    have = bank.balance(view, tx.signer, FEE_DENOM)
    if have < fee:
        raise TxError(
            codes.INSUFFICIENT_FUNDS,
            f"insufficient funds to pay for fees; {have}{FEE_DENOM} < {fee}{FEE_DENOM}: insufficient funds",
        )
    # Every check passed: effects.
    bank.subtract(view, tx.signer, FEE_DENOM, fee)
    accounts.put_account(
        view, accounts.Account(tx.signer, account.number, account.sequence + 1, account.pubkey or tx.pubkey)
    )
    if tx.pubkey and accounts.associated_evm(view, tx.signer) is None:  # first signing: link the 0x address
        association.link(view, tx.signer, evm_address_from_pubkey(tx.pubkey))
    events = [
        Event("tx", (("fee", format_coins(tx.fee)), ("fee_payer", signer))),
        Event("tx", (("acc_seq", f"{signer}/{tx.sequence}"),)),
    ]
    if tx.signature:
        events.append(Event("tx", (("signature", base64.b64encode(tx.signature).decode()),)))
    return AnteResult(fee * bank.WEI_PER_USEI, gas, account.number, tuple(events))


def _fee_usei(tx: CosmosTx, ctx: BlockContext, local: str | Fraction | None, simulate: bool) -> int:
    paid = dict(tx.fee)
    fee = paid.pop(FEE_DENOM, 0)
    required = 0 if simulate else required_fee(tx.gas_limit, min_gas_price(ctx, local))
    if paid or fee < required:
        raise TxError(
            codes.INSUFFICIENT_FEE,
            f"insufficient fee; got: {format_coins(tx.fee) or '0' + FEE_DENOM} required: {required}{FEE_DENOM}: insufficient fee",
        )
    return fee
