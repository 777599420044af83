"""The block context every execution sees (from CometBFT, never the wall clock), and the one
place it is built: ``make_context`` from chain state, ``header_context`` from a stored
header, ``query_context`` for queries and cross-VM calls."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ledger.encoding import decode_uint, encode_uint
from store.api import KVView, ReadView


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
KEY_MAX_GAS_WANTED = b"block_max_gas_wanted"
KEY_BASE_FEE = b"evm_base_fee"
DEFAULT_MAX_GAS = 100_000_000
#: The ``app_state`` section of the block parameters CometBFT v0.38's consensus params cannot
#: carry (``{"max_gas_wanted": "N"}``); the core reads and exports it, no module owns it.
BLOCK_PARAMS_SECTION = "consensus"
_NO_PROPOSER = b"\0" * 20
_NO_HASH = b"\0" * 32


def block_gas_limit(view: ReadView) -> int:
    """The block gas limit in ``view`` (genesis ``consensus_params.block.max_gas``)."""
    return decode_uint(view.get(PARAMS, KEY_MAX_GAS)) or DEFAULT_MAX_GAS


def block_gas_wanted_limit(view: ReadView) -> int:
    """The most the gas limits of a block's txs may sum to (genesis
    ``app_state.consensus.max_gas_wanted``; absent: the block gas limit). The block gas limit
    then bounds the gas a block is expected to use: the Ethereum txs' limits, and the
    proposer's estimate for native txs, whose limits are mostly unused."""
    return decode_uint(view.get(PARAMS, KEY_MAX_GAS_WANTED)) or block_gas_limit(view)


def init_block_params(view: KVView, max_gas: int, section: Mapping[str, object]) -> None:
    """Store genesis's block parameters: ``max_gas`` from its consensus params (<= 0: the
    default), ``section`` = its ``app_state`` section ``BLOCK_PARAMS_SECTION``."""
    if max_gas > 0:
        view.set(PARAMS, KEY_MAX_GAS, encode_uint(max_gas))
    if not isinstance(section, Mapping):
        raise ValueError(f"app_state.{BLOCK_PARAMS_SECTION} must be an object")
    unknown = sorted(set(section) - {"max_gas_wanted"})
    if unknown:
        raise ValueError(f"app_state.{BLOCK_PARAMS_SECTION}: unknown fields {unknown}")
    wanted = section.get("max_gas_wanted")
    if wanted is None:
        return
    if not (isinstance(wanted, str) and wanted.isascii() and wanted.isdigit() and int(wanted) > 0):
        raise ValueError(
            f"app_state.{BLOCK_PARAMS_SECTION}.max_gas_wanted must be a positive integer string, not {wanted!r}"
        )
    view.set(PARAMS, KEY_MAX_GAS_WANTED, encode_uint(int(wanted)))


def export_block_params(view: ReadView) -> dict[str, str]:
    """``init_block_params``'s ``section`` for the state in ``view`` (empty when genesis set none)."""
    wanted = decode_uint(view.get(PARAMS, KEY_MAX_GAS_WANTED))
    return {"max_gas_wanted": str(wanted)} if wanted else {}


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
