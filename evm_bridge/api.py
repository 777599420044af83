"""Interfaces of the EVM bridge: the decoded tx, its receipt, and what the app calls.

The app decodes an Ethereum tx once (CheckTx, ``txs.decode_tx``), keeps the ``EvmTx`` and
hands the same object to ``execute.execute_tx`` in FinalizeBlock; recovering the sender is
the expensive step and happens only once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any, NamedTuple, Protocol

from ledger import codes

#: Tx envelope types (EIP-2718). Legacy txs carry type 0 here. Blob txs (type 3) are
#: refused: this chain carries no blob data (as Sei).
LEGACY_TX = 0
ACCESS_LIST_TX = 1
DYNAMIC_FEE_TX = 2
BLOB_TX = 3
SET_CODE_TX = 4

AccessList = tuple[tuple[bytes, tuple[int, ...]], ...]

#: The code of a delegated account (EIP-7702): this prefix, then the 20-byte target.
DELEGATION_PREFIX = b"\xef\x01\x00"
_SECP256K1_HALF_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141 // 2


class Authorization(NamedTuple):
    """One entry of a set-code tx's authorization list (EIP-7702), as signed by the
    authority: delegate my code to ``address`` if my nonce is ``nonce``. Its authority is
    recovered during execution (py-evm), and an invalid entry is skipped, not an error."""

    chain_id: int
    address: bytes
    nonce: int
    y_parity: int
    r: int
    s: int

    def validate(self, chain_id: int) -> None:
        """The checks before recovery (py-evm's interface); raises ``ValueError``."""
        if self.chain_id not in (0, chain_id):
            raise ValueError(f"authorization for chain {self.chain_id}")
        if self.nonce >= 2**64 - 1:
            raise ValueError("authorization nonce too high")
        if self.s > _SECP256K1_HALF_N:
            raise ValueError("authorization s too high")


def is_delegation(code: bytes) -> bool:
    """Whether ``code`` is a delegation designator (``0xef0100`` + address)."""
    return len(code) == 23 and code[:3] == DELEGATION_PREFIX


class EvmTxError(ValueError):
    """A malformed or unacceptable Ethereum tx; the message uses geth's wording and
    ``code`` is the ABCI result code to answer with."""

    def __init__(self, message: str, code: int = codes.EVM_DECODE) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[EvmTxError], tuple[str, int]]:
        return EvmTxError, (str(self), self.code)


@dataclass(frozen=True, slots=True)
class EvmTx:
    """A decoded, signature-checked Ethereum tx (picklable, immutable).

    For legacy and access-list txs both fee fields equal the gas price. ``to`` is None for
    a contract creation. ``intrinsic_gas`` follows geth (includes the initcode word cost
    and 25,000 per authorization); ``floor_gas`` is the calldata floor of EIP-7623.
    ``authorization_list`` is set only on set-code (type 4) txs.
    """

    type: int
    chain_id: int
    nonce: int
    gas: int
    max_fee_per_gas: int
    max_priority_fee_per_gas: int
    to: bytes | None
    value: int
    data: bytes
    access_list: AccessList
    v: int
    r: int
    s: int
    sender: bytes  # 20-byte EVM address recovered from the signature
    pubkey: bytes  # 33-byte compressed secp256k1 public key of the signer
    sender_sei: bytes  # 20-byte Sei address of the same key
    hash: bytes  # keccak256 of ``raw``: the Ethereum tx hash
    raw: bytes
    intrinsic_gas: int
    floor_gas: int
    authorization_list: tuple[Authorization, ...] = ()

    @property
    def gas_price(self) -> int:
        """The legacy gas price (= max fee per gas for dynamic-fee txs)."""
        return self.max_fee_per_gas

    def effective_gas_price(self, base_fee: int) -> int:
        return min(self.max_fee_per_gas, base_fee + self.max_priority_fee_per_gas)

    def __reduce__(self) -> tuple[Callable[..., EvmTx], tuple[Any, ...]]:
        return _evm_tx, _tx_fields(self)


@dataclass(frozen=True, slots=True)
class EvmLog:
    address: bytes
    topics: tuple[bytes, ...]
    data: bytes

    def __reduce__(self) -> tuple[Callable[..., EvmLog], tuple[Any, ...]]:
        return EvmLog, (self.address, self.topics, self.data)


@dataclass(frozen=True, slots=True)
class EvmReceipt:
    """The Ethereum receipt of one executed tx: what the tx alone determines. Its cumulative
    gas depends on the block order (a tx does not know its neighbours under OCC), so the
    JSON-RPC index computes it when it renders the block (``eth_rpc.index.render``)."""

    tx_hash: bytes
    type: int
    status: int  # 1 success, 0 failure (reverted, out of gas, ...)
    gas_used: int
    logs: tuple[EvmLog, ...]
    bloom: bytes  # 256 bytes
    contract_address: bytes | None
    effective_gas_price: int
    sender: bytes
    to: bytes | None
    output: bytes = b""  # return data (the revert payload when status = 0)
    error: str = ""  # "execution reverted", "out of gas", ... ("" on success)

    def __reduce__(self) -> tuple[Callable[..., EvmReceipt], tuple[Any, ...]]:
        return _evm_receipt, _receipt_fields(self)


# Pickling (OCC ships txs to workers and receipts back): a rebuild function and the fields
# in order, several times cheaper than the slots dataclass's own field-by-field state. The
# rebuild sets the slots directly, skipping the frozen ``__init__``'s per-field checks.
_new = object.__new__
_tx_fields = attrgetter(*(f.name for f in fields(EvmTx)))
_tx_slots = tuple(getattr(EvmTx, f.name).__set__ for f in fields(EvmTx))
_receipt_fields = attrgetter(*(f.name for f in fields(EvmReceipt)))
_receipt_slots = tuple(getattr(EvmReceipt, f.name).__set__ for f in fields(EvmReceipt))


def _evm_tx(*values: Any) -> EvmTx:
    tx = _new(EvmTx)
    for set_slot, value in zip(_tx_slots, values, strict=True):
        set_slot(tx, value)
    return tx


def _evm_receipt(*values: Any) -> EvmReceipt:
    receipt = _new(EvmReceipt)
    for set_slot, value in zip(_receipt_slots, values, strict=True):
        set_slot(receipt, value)
    return receipt


class FeeContext(Protocol):
    """What CheckTx needs of the next block (``ledger.context.BlockContext`` fits)."""

    @property
    def evm_chain_id(self) -> int: ...

    @property
    def gas_limit(self) -> int: ...

    @property
    def base_fee_wei(self) -> int: ...


@dataclass(frozen=True, slots=True)
class BlockOverrides:
    """A simulation's changes to its block context (geth's ``BlockOverrides``); None keeps
    the block's own value."""

    number: int | None = None
    time: int | None = None
    gas_limit: int | None = None
    coinbase: bytes | None = None
    prev_randao: bytes | None = None
    base_fee: int | None = None


@dataclass(frozen=True, slots=True)
class CallResult:
    """Outcome of a simulation (``call``): success, return (or revert) data, the gas a
    tx would use and the refund it got; ``valid`` is False when the message could not run
    at all (``error`` then says why: intrinsic gas too low, insufficient funds, ...)."""

    success: bool
    output: bytes
    gas_used: int
    error: str = ""
    logs: tuple[EvmLog, ...] = ()
    refund: int = 0
    valid: bool = True
