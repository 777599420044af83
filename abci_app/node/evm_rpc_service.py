"""Glue: the Ethereum JSON-RPC service of a node (its block index and its server).

``rpc_service(node)`` returns a service whose ``start()`` opens the index under
``<home>/index``, registers its indexer as an observer of committed blocks, and serves
``evm_http_address`` / ``evm_ws_address`` and whose ``close()`` stops both.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from abci_app.application.runner import BlockTask
from abci_app.cosmos_tx.associate import encode_associate
from eth_rpc import Backend, RpcConfig, RpcServer
from eth_rpc.index import BlockIndex, Indexer
from eth_rpc.index.kv import RocksKV
from eth_rpc.index.tx_events import EventIndexing
from ledger.codes import TxError
from ledger.context import BlockContext
from store.api import KVView

log = logging.getLogger("pysei.rpc")


def rpc_config(cfg: Any, cometbft_rpc: str = "") -> RpcConfig:
    """``cometbft_rpc``: CometBFT's own RPC when the app serves its address (``pysei start``'s
    front), so ``evm_tx_intake = mempool`` reaches CometBFT's mempool, not the front."""
    return RpcConfig(
        http_address=cfg.evm_http_address,
        ws_address=cfg.evm_ws_address,
        evm_chain_id=cfg.evm_chain_id,
        chain_id=cfg.chain_id,
        cometbft_rpc=cometbft_rpc or cfg.cometbft_rpc,
        max_body_bytes=cfg.rpc_max_body_bytes,
        max_batch=cfg.rpc_max_batch,
        gas_cap=cfg.rpc_gas_cap,
        max_subscriptions=cfg.rpc_max_subscriptions,
        broadcast_lanes=cfg.rpc_broadcast_lanes,
        tx_intake=cfg.evm_tx_intake,
        decode_helper=cfg.rpc_decode_helper,
    )


def app_replayer(app: Any) -> Callable[[KVView, BlockContext, list[bytes]], None]:
    """Replays a block's txs through the app's own decoder and runner (EVM and native
    alike), so traces see exactly the state FinalizeBlock saw."""

    def replay(view: KVView, ctx: BlockContext, raws: list[bytes]) -> None:
        for raw in raws:
            try:
                decoded = app.codec.decode(raw)
            except TxError:
                continue  # rejected at decode time: it changed nothing
            app.runner.run(BlockTask(decoded), ctx, view)

    return replay


def local_submitter(app: Any) -> Callable[[Any], str | None]:
    """The JSON-RPC's way into the app's pool for a local tx: None, or why it was refused."""

    def submit(tx: Any) -> str | None:
        try:
            app.check.check_local(tx)
        except TxError as e:
            return e.log
        return None

    return submit


class RpcService:
    def __init__(self, node: Any) -> None:
        self.node = node
        front = getattr(node, "front_plan", None)
        self.config = rpc_config(node.config, front.comet_url if front is not None else "")
        self.index: BlockIndex | None = None
        self.indexer: Indexer | None = None
        self.server: RpcServer | None = None

    def start(self) -> None:
        node = self.node
        cfg = node.config
        events = EventIndexing(frozenset(cfg.index_events) or None) if cfg.app_tx_index() else None
        self.index = BlockIndex(RocksKV(node.home.index), self.config.evm_chain_id, events)
        self.indexer = Indexer(self.index, render_process=True)
        self.indexer.start()  # re-indexes blocks journaled before an unclean stop
        self.index.check_gap(node.db.last_height())
        backend = Backend(self.config, self.index, node.db, node.app.runner.precompiles)
        backend.replay = app_replayer(node.app)
        backend.admit = node.app.codec.remember
        backend.submit_local = local_submitter(node.app)
        backend.association_tx = encode_associate
        backend.pool = node.app.pool
        self.server = RpcServer(backend)
        self.index.add_listener(self.server.on_block)
        node.app.finalized.append(self.indexer.prepare)
        node.app.observers.append(self.indexer.observe)
        self.server.start()

    def close(self) -> None:
        if self.indexer is not None and self.node.app is not None:
            for hooks, hook in ((self.node.app.observers, self.indexer.observe),
                                (self.node.app.finalized, self.indexer.prepare)):
                if hook in hooks:
                    hooks.remove(hook)
        if self.indexer is not None:
            self.indexer.close()
        if self.server is not None:
            self.server.close()
        if self.index is not None:
            self.index.close()


def rpc_service(node: Any) -> RpcService | None:
    """The JSON-RPC service, or None when both addresses are empty (RPC disabled)."""
    if not node.config.evm_http_address and not node.config.evm_ws_address:
        return None
    return RpcService(node)
