"""The explorer's configuration and the errors a page can end in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExplorerConfig:
    """Where the explorer listens and where it reads the node (URLs with scheme)."""

    address: str = "127.0.0.1:8080"
    cometbft_rpc: str = "http://127.0.0.1:26657"
    evm_rpc: str = "http://127.0.0.1:8545"
    rest: str = "http://127.0.0.1:1317"
    #: Blocks shown on the home page and scanned for an address's recent txs.
    recent_blocks: int = 20
    address_scan_blocks: int = 200
    #: Blocks whose commits give a validator's uptime.
    uptime_window: int = 100
    timeout_s: float = 10.0


class PageError(Exception):
    """A page that cannot be shown: ``status`` and a sentence saying why."""

    status = 500
    title = "Error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(PageError):
    """Malformed input: a height, hash or address that cannot be one."""

    status = 400
    title = "Bad request"


class NotFound(PageError):
    """Well-formed input the node knows nothing of."""

    status = 404
    title = "Not found"


class NodeDown(PageError):
    """The node did not answer (down, starting, or too slow)."""

    status = 503
    title = "Node unreachable"


class RpcError(Exception):
    """The node answered a call with an error (``text`` is its message)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text
