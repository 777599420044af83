"""Glue: the Cosmos REST (LCD) API of a node (``cosmos_api``), answering state queries
through the app's own ABCI query router on the state store's versions.

``rest_service(node)`` returns a service whose ``start()`` serves ``rest_address`` and whose
``close()`` stops it; None when ``rest_address`` is empty (API off).
"""

from __future__ import annotations

from typing import Any

from cosmos_api.api import QueryAnswer, RestConfig
from cosmos_api.server import RestServer
from pysei_pb.tendermint.abci import types_pb2 as abci


def rest_config(cfg: Any) -> RestConfig:
    return RestConfig(
        address=cfg.rest_address,
        cometbft_rpc=cfg.cometbft_rpc,
        chain_id=cfg.chain_id,
        max_body_bytes=cfg.rest_max_body_bytes,
    )


def app_query(router: Any) -> Any:
    """The ``cosmos_api.api.AbciQuery`` of the app's ``QueryRouter`` (thread-safe reads)."""

    def query(path: str, data: bytes, height: int) -> QueryAnswer:
        r = router.query(abci.RequestQuery(path=path, data=data, height=height))
        return QueryAnswer(code=r.code, value=bytes(r.value), log=r.log, codespace=r.codespace, height=r.height)

    return query


class RestService:
    def __init__(self, node: Any) -> None:
        self.node = node
        self.server: RestServer | None = None

    def start(self) -> None:
        self.server = RestServer(rest_config(self.node.config), app_query(self.node.app.queries))
        self.server.start()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()


def rest_service(node: Any) -> RestService | None:
    """The REST service, or None when ``rest_address`` is empty."""
    return RestService(node) if node.config.rest_address else None
