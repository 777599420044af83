"""Glue: the Cosmos gRPC server of a node (``cosmos_api.grpc_server``) on ``grpc_address``,
serving every enabled module's query routes through the app's ABCI query router, and txs,
blocks and node info through CometBFT's RPC.

``grpc_service(node)`` returns a service with ``start()``/``close()``; None when
``grpc_address`` is empty (server off).
"""

from __future__ import annotations

from typing import Any

from abci_app.node.cosmos_rest_service import app_query, rest_config
from cosmos_api.grpc_chain import chain_methods
from cosmos_api.grpc_server import GrpcQueryServer


class GrpcService:
    def __init__(self, node: Any) -> None:
        self.node = node
        self.server: GrpcQueryServer | None = None

    def start(self) -> None:
        cfg, queries = self.node.config, self.node.app.queries
        self.server = GrpcQueryServer(
            cfg.grpc_address, app_query(queries), queries.routes,
            chain=chain_methods(rest_config(cfg)), comet_url=cfg.cometbft_rpc,
        )
        self.server.start()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()


def grpc_service(node: Any) -> GrpcService | None:
    """The gRPC service, or None when ``grpc_address`` is empty."""
    return GrpcService(node) if node.config.grpc_address else None
