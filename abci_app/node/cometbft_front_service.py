"""Glue: this node's CometBFT RPC front (``cometbft_front.py``) as a node service.

``front_plan(config, cometbft_config)`` decides, before CometBFT starts, whether the front
serves config.toml's ``rpc.laddr`` (a TCP address, ``cosmos_tx_intake`` not ``mempool``)
and picks the private loopback port CometBFT's own RPC moves to (``--rpc.laddr``).
``front_service(node)`` returns the service for the plan ``pysei start`` made, or None:
the front in a process of its own (``front_process.py``, ``cosmos_front_process``, the
default), or in a thread of the node process with the native decoder's helper
(``native_decoder.py``).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from abci_app.application.txcodec import Decoded
from abci_app.node.cometbft_front import CometFront, local_admission
from abci_app.node.cometbft_tx_search import index_follower
from abci_app.node.front_process import FrontProcess, FrontSpec
from abci_app.node.native_decoder import native_decoder
from eth_rpc.tx_decoder import TxDecoder
from ledger.codes import TxError
from untrusted import toml_text

#: The folder (under ``<home>/data``) of the front's read-only follower of the node's index.
INDEX_FOLLOWER = "index-follower"


@dataclass(frozen=True)
class FrontPlan:
    address: str  # host:port clients use (config.toml's rpc.laddr)
    comet_laddr: str  # tcp://127.0.0.1:port, CometBFT's own RPC
    max_body_bytes: int
    max_batch: int

    @property
    def comet_url(self) -> str:
        return "http://" + self.comet_laddr.removeprefix("tcp://")


def _free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def front_plan(intake: str, cometbft_config: Path) -> FrontPlan | None:
    if intake == "mempool" or not cometbft_config.exists():
        return None
    rpc = toml_text.loads(cometbft_config.read_text()).get("rpc", {})
    laddr = str(rpc.get("laddr", ""))
    if not laddr.startswith("tcp://"):
        return None  # a unix socket, or no RPC: CometBFT keeps it
    return FrontPlan(laddr.removeprefix("tcp://"), f"tcp://127.0.0.1:{_free_loopback_port()}",
                     int(rpc.get("max_body_bytes", 1_000_000)), int(rpc.get("max_request_batch_size", 10)))


class FrontService:
    def __init__(self, node: Any, plan: FrontPlan) -> None:
        self.node = node
        self.plan = plan
        self.server: CometFront | None = None
        self.decoder: TxDecoder | None = None
        self.process: FrontProcess | None = None

    def start(self) -> None:
        plan, app, cfg = self.plan, self.node.app, self.node.config

        def keep(raw: bytes, result: object) -> None:
            if isinstance(result, (Decoded, TxError)):
                app.codec.keep(raw, result)

        index = self.node.home.index if cfg.app_tx_index() else None
        follower = self.node.home.data / INDEX_FOLLOWER
        if cfg.cosmos_front_process:
            spec = FrontSpec(plan.address, plan.comet_url, cfg.cosmos_tx_intake, plan.max_body_bytes,
                             plan.max_batch, tuple(cfg.modules), app.codec.evm_chain_id, app.codec.max_tx_bytes,
                             cfg.chain_id, str(index or ""), str(follower))
            self.process = FrontProcess(spec, app.check.admit_local, keep, app.check.vouch,
                                        app.check.verified_account)
            self.process.start()
            return
        self.decoder = native_decoder(app.codec, tuple(cfg.modules), cfg.cosmos_decode_helper)
        self.decoder.start()
        self.server = CometFront(plan.address, plan.comet_url, cfg.cosmos_tx_intake,
                                 local_admission(app.check.admit_local, self.decoder, keep),
                                 max_body_bytes=plan.max_body_bytes, max_batch=plan.max_batch,
                                 open_index=index_follower(index, follower) if index is not None else None)
        self.server.start()

    def close(self) -> None:
        if self.process is not None:
            self.process.close()
        if self.server is not None:
            self.server.close()
        if self.decoder is not None:
            self.decoder.close()


def front_service(node: Any) -> FrontService | None:
    plan = getattr(node, "front_plan", None)
    return FrontService(node, plan) if plan is not None else None
