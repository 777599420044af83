"""The REST API's interfaces: its config, the app query it is handed, a request's parts."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class RestConfig:
    address: str  # host:port
    cometbft_rpc: str  # http://host:port of CometBFT's RPC
    chain_id: str
    max_body_bytes: int = 2_097_152
    query_threads: int = 4
    #: ``application_version`` of ``node_info``.
    app_name: str = "pysei"
    app_version: str = "0.1.0"


@dataclass(frozen=True)
class QueryAnswer:
    """An ABCI query's answer: ``code`` 0 and ``value``, or a code, codespace and log."""

    code: int
    value: bytes = b""
    log: str = ""
    codespace: str = ""
    height: int = 0


class AbciQuery(Protocol):
    """The app's ABCI query (gRPC-style path, protobuf request bytes, height; 0 = latest).
    Called on a worker thread; must not block the consensus path."""

    def __call__(self, path: str, data: bytes, height: int) -> QueryAnswer: ...


@dataclass(frozen=True)
class Request:
    """One HTTP request as a route handler sees it."""

    params: Mapping[str, str]  # path parameters
    query: Sequence[tuple[str, str]]  # URL query pairs, in order
    body: bytes = b""
    height: int = 0  # from ``x-cosmos-block-height``; 0 = latest

    def arg(self, name: str, default: str = "") -> str:
        """The last value of URL query parameter ``name``."""
        found = [v for k, v in self.query if k == name]
        return found[-1] if found else default

    def args(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]


@dataclass
class Context:
    """What handlers reach: the app query (async, on the thread pool) and CometBFT's RPC."""

    query: Callable[[str, bytes, int], Awaitable[QueryAnswer]]
    comet: Any  # comet.CometClient
    config: RestConfig


Handler = Callable[[Context, Request], Awaitable[Mapping[str, Any]]]
