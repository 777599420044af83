"""Glue: the block explorer (``explorer``) served by the node, reading the node's own
public interfaces (JSON-RPC, CometBFT RPC, REST API) like any other client.

``explorer_service(node)`` returns an ``ExplorerServer`` (``start()``/``close()``); None
when ``explorer_address`` is empty (explorer off)."""

from __future__ import annotations

from typing import Any

from explorer.api import ExplorerConfig
from explorer.server import ExplorerServer


def _url(address: str) -> str:
    return f"http://{address}" if address else ""


def explorer_service(node: Any) -> ExplorerServer | None:
    cfg = node.config
    if not cfg.explorer_address:
        return None
    return ExplorerServer(ExplorerConfig(
        address=cfg.explorer_address,
        cometbft_rpc=cfg.cometbft_rpc,
        evm_rpc=_url(cfg.evm_http_address),
        rest=_url(cfg.rest_address),
    ))
