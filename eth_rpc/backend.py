"""What the methods share: config, index, state store, CometBFT client, filters and
subscriptions, plus block resolution (tags, numbers, EIP-1898 objects) and state views.

"Latest" is the newest *indexed* height, so blocks, receipts and state always agree.
Single-slot finality: ``safe`` = ``finalized`` = ``latest``; ``pending`` is ``latest``
too (CometBFT has no pending block), except for nonces (``state.pending_nonce``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from eth_rpc import params as P
from eth_rpc.config import RpcConfig
from eth_rpc.errors import invalid_params, server_error
from eth_rpc.index import BlockIndex
from eth_rpc.index.render import genesis_header
from evm_bridge.account_db import read_nonce
from evm_bridge.basefee import next_base_fee
from evm_bridge.precompiles.registry import PrecompileTable
from ledger.context import DEFAULT_MAX_GAS, BlockContext, header_context
from store.api import Database, KVView, ReadView

Json = dict[str, Any]


class Backend:
    def __init__(self, config: RpcConfig, index: BlockIndex, db: Database, precompiles: PrecompileTable) -> None:
        self.config = config
        self.index = index
        self.db = db
        #: The chain's precompile table, the one its blocks execute with (the app's runner's):
        #: calls, estimates, access lists and traces run with it too.
        self.precompiles = precompiles
        self.comet: Any = None  # cometbft.CometClient, set by the server once its loop runs
        self.filters: Any = None  # filters.FilterManager
        self.hub: Any = None  # subscriptions.SubscriptionHub
        self.mempool: Any = None  # mempool.Mempool
        #: The local app's tx pool (``mempool.PoolView``), installed by the node's glue;
        #: without it the mempool view asks CometBFT.
        self.pool: Any = None
        #: ``replay(view, ctx, raw_txs)`` runs txs as the block did (traces); the node's glue
        #: installs the app's runner, else ``tracing.replay_evm_txs`` replays EVM txs only.
        self.replay: Callable[[KVView, BlockContext, list[bytes]], None] | None = None
        #: ``admit(raw, tx)`` hands a tx decoded by ``eth_sendRawTransaction`` to the local
        #: app's decoder before it is broadcast (the node's glue installs it; ``intake.py``
        #: calls it), so CheckTx does not decode it and recover its sender a second time.
        self.admit: Callable[[bytes, Any], None] | None = None
        #: ``submit_local(tx)``: the local app's pool admits ``tx`` as a local tx (None) or
        #: says why not (``intake.py``); installed by the node's glue.
        self.submit_local: Callable[[Any], str | None] | None = None
        self.intake: Any = None  # intake.TxIntake, set by the server once its loop runs
        self.decoder: Any = None  # tx_decoder.TxDecoder, set by the server once its loop runs
        #: ``association_tx(message, v, r, s)``: the bytes of the app's gasless association
        #: tx for a signed message (``sei_associate``), installed by the node's glue.
        self.association_tx: Callable[[str, str, str, str], bytes] | None = None

    async def pending_nonce(self, addr: bytes) -> int:
        """The next nonce after the sender's contiguous pending txs (newest committed state)."""
        def committed(sender: bytes) -> int:
            return read_nonce(self.db.read_view(), sender)

        return committed(addr) if self.mempool is None else await self.mempool.pending_nonce(addr, committed)

    # ---- heights ----

    def latest(self) -> int:
        return self.index.height

    def block_number(self, value: Any, what: str = "block number") -> int:
        """A block tag or number (not an EIP-1898 object) as a height; may be > latest."""
        if value is None:
            return self.latest()
        if isinstance(value, str) and value in P.BLOCK_TAGS:
            return 0 if value == "earliest" else self.latest()
        if isinstance(value, str) and value.startswith(("0x", "0X")):
            return P.quantity(value, what, 64)
        raise invalid_params(f"invalid argument: {what}: hex string without 0x prefix or unknown block tag")

    def block_ref(self, value: Any) -> int:
        """A block tag, number, hash or EIP-1898 object (blockNumber | blockHash) as an existing
        height whose state this node holds; ``earliest`` is the oldest such height."""
        if isinstance(value, str) and len(value) == 66 and value.startswith(("0x", "0X")):
            value = {"blockHash": value}  # a block hash: the spec allows it wherever a number goes
        if value == "earliest":
            return min(self.db.earliest_height(), self.latest())
        if isinstance(value, dict):
            if "blockHash" in value:
                h = P.hash32(value["blockHash"], "blockHash")
                height = self.index.height_of(h)
                if height is None:
                    raise server_error(f"header for hash 0x{h.hex()} not found")
                return height
            if "blockNumber" in value:
                return self.block_ref(value["blockNumber"])
            raise invalid_params("invalid argument: block reference needs blockNumber or blockHash")
        height = self.block_number(value)
        if height > self.latest():
            raise server_error("header not found")
        return height

    # ---- state ----

    def state_at(self, height: int) -> ReadView:
        try:
            return self.db.read_view(height)
        except LookupError as e:
            raise server_error(f"historical state not available for block {height}: {e}") from None

    def context_at(self, height: int) -> BlockContext:
        """The block context of ``height`` (calls run in the block whose state they read)."""
        header = self.index.header(height)
        cfg = self.config
        if header is None:
            return header_context(
                height=height, time_ns=0, chain_id=cfg.chain_id, evm_chain_id=cfg.evm_chain_id,
                proposer=b"\0" * 20, block_hash=b"\0" * 32, gas_limit=DEFAULT_MAX_GAS, base_fee_wei=0,
            )
        return header_context(
            height=height,
            time_ns=int(header["timestamp"], 16) * 1_000_000_000,
            chain_id=cfg.chain_id,
            evm_chain_id=cfg.evm_chain_id,
            proposer=bytes.fromhex(header["miner"][2:]),
            block_hash=bytes.fromhex(header["hash"][2:]),
            gas_limit=int(header["gasLimit"], 16),
            base_fee_wei=int(header["baseFeePerGas"], 16),
        )

    def simulation_context(self, height: int) -> BlockContext:
        """The block a simulation on the state after ``height`` runs in: the next one, as a
        tx sent then would. Its real header once it exists (so a call at a mined tx's parent
        block replays that tx's own block), else the pending block: one second later, the
        same proposer, prevrandao keccak(parent hash), the next EIP-1559 base fee."""
        if self.index.header(height + 1) is not None:
            return self.context_at(height + 1)
        parent = self.context_at(height)
        header = self.index.header(height)
        fee = parent.base_fee_wei
        if header is not None:
            fee = next_base_fee(fee, int(header["gasUsed"], 16), parent.gas_limit)
        return replace(parent, height=height + 1, time_ns=parent.time_ns + 1_000_000_000, base_fee_wei=fee)

    def header(self, height: int) -> Json | None:
        """The block object without txs; height 0 is a synthetic genesis (hash zero)."""
        h = self.index.header(height)
        if h is None and height == 0:
            first = self.index.header(self.index.first_height) if self.index.first_height else None
            return genesis_header(first)
        return h
