"""The block context every execution sees (from CometBFT, never the wall clock), and the one
place it is built: ``make_context`` from chain state, ``header_context`` from a stored
header, ``query_context`` for queries and cross-VM calls."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.encoding import decode_uint
from store.api import ReadView


@dataclass(frozen=True)
class BlockContext:
    height: int
    time_ns: int  # block time from the header, nanoseconds since the Unix epoch
    chain_id: str
    evm_chain_id: int
    proposer: bytes  # CometBFT proposer address (20 bytes)
    block_hash: bytes  # CometBFT block hash of this height (32 bytes; zeros when unknown)
    gas_limit: int
    base_fee_wei: int  # EIP-1559 base fee of this block, in wei
    min_gas_price_usei: int = 0  # minimum native gas price (usei per gas, scaled by 10**6)
    #: A Wasm call made by the EVM (the wasmd precompile): it may not call the EVM again.
    from_evm: bool = False

    @property
    def time_seconds(self) -> int:
        return self.time_ns // 1_000_000_000


# ---- construction: the one place a BlockContext is built from chain state ----

#: The ``params`` store keys of the block parameters.
PARAMS = "params"
KEY_MAX_GAS = b"block_max_gas"
KEY_BASE_FEE = b"evm_base_fee"
DEFAULT_MAX_GAS = 100_000_000
_NO_PROPOSER = b"\0" * 20
_NO_HASH = b"\0" * 32


def block_gas_limit(view: ReadView) -> int:
    """The block gas limit in ``view`` (genesis ``consensus_params.block.max_gas``)."""
    return decode_uint(view.get(PARAMS, KEY_MAX_GAS)) or DEFAULT_MAX_GAS


def base_fee(view: ReadView) -> int:
    """The EIP-1559 base fee (wei) the next block runs with, as stored in ``view``."""
    return decode_uint(view.get(PARAMS, KEY_BASE_FEE))


def make_context(
    view: ReadView,
    *,
    height: int,
    time_ns: int,
    chain_id: str,
    evm_chain_id: int,
    proposer: bytes = _NO_PROPOSER,
    block_hash: bytes = _NO_HASH,
) -> BlockContext:
    """The context of a block at ``height`` executing on ``view`` (gas limit and base fee
    read from its ``params`` store): FinalizeBlock's, and CheckTx's guess at the next one."""
    return BlockContext(
        height=height,
        time_ns=time_ns,
        chain_id=chain_id,
        evm_chain_id=evm_chain_id,
        proposer=proposer,
        block_hash=block_hash,
        gas_limit=block_gas_limit(view),
        base_fee_wei=base_fee(view),
    )


def header_context(
    *, height: int, time_ns: int, chain_id: str, evm_chain_id: int, proposer: bytes, block_hash: bytes,
    gas_limit: int, base_fee_wei: int,
) -> BlockContext:
    """The context of a block already executed, from its header fields (RPC replays)."""
    return BlockContext(height, time_ns, chain_id, evm_chain_id, proposer, block_hash, gas_limit, base_fee_wei)


def query_context(height: int, time_ns: int = 0, *, from_evm: bool = False) -> BlockContext:
    """A context for a read-only query or a call made by another VM at ``height``: no chain
    ids, proposer, hash, gas limit or base fee (the callers meter gas themselves)."""
    return BlockContext(height, time_ns, "", 0, _NO_PROPOSER, _NO_HASH, 0, 0, from_evm=from_evm)
