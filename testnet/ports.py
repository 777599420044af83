"""Loopback ports of localnet nodes: one block of ``STRIDE`` ports per node from a base port."""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass

#: Below Linux's ephemeral range (32768-60999), so outgoing connections never take our ports.
DEFAULT_BASE_PORT = 27_000
STRIDE = 10


@dataclass(frozen=True)
class NodePorts:
    p2p: int
    rpc: int
    abci: int
    prometheus: int
    metrics: int
    evm_http: int
    evm_ws: int
    rest: int = 0  # Cosmos REST API (0 in manifests written before it existed)
    grpc: int = 0  # Cosmos gRPC server (likewise)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @property
    def rpc_url(self) -> str:
        return f"http://127.0.0.1:{self.rpc}"

    @property
    def evm_url(self) -> str:
        return f"http://127.0.0.1:{self.evm_http}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.metrics}/metrics"


def node_ports(index: int, base_port: int = DEFAULT_BASE_PORT) -> NodePorts:
    """Ports of node ``index``: ``base_port + STRIDE * index + offset``."""
    b = base_port + STRIDE * index
    return NodePorts(p2p=b, rpc=b + 1, abci=b + 2, prometheus=b + 3, metrics=b + 4, evm_http=b + 5, evm_ws=b + 6, rest=b + 7, grpc=b + 8)


def port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_base_port(nodes: int, start: int = 20_000, stop: int = 32_700, step: int = 7) -> int:
    """A base port whose ``nodes`` blocks are all free now (for tests running side by side)."""
    for base in range(start, stop - STRIDE * nodes, step * STRIDE):
        if all(port_free(p) for i in range(nodes) for p in node_ports(i, base).as_dict().values()):
            return base
    raise RuntimeError("no free port range for the localnet")
