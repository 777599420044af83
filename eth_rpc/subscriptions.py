"""WebSocket subscriptions (newHeads, logs, newPendingTransactions). Lives on the server loop.

The index listener hands each new block to the loop (``call_soon_threadsafe``); the hub
queues notifications on each connection, whose writer task sends them in order. A
connection that falls too far behind is closed rather than buffering without bound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eth_rpc.errors import LIMIT_EXCEEDED, RpcError, invalid_params
from eth_rpc.ids import new_id
from eth_rpc.index import BlockNews
from eth_rpc.index.logs import LogFilter

KINDS = ("newHeads", "logs", "newPendingTransactions")


@dataclass
class Subscription:
    kind: str
    log_filter: LogFilter | None = None


@dataclass(eq=False)
class Connection:
    """One WebSocket client; ``push`` queues a message for its writer task."""

    push: Any  # Callable[[dict], None]
    subs: dict[str, Subscription] = field(default_factory=dict)


class SubscriptionHub:
    def __init__(self, max_per_connection: int) -> None:
        self.max_per_connection = max_per_connection
        self.connections: set[Connection] = set()

    def subscribe(self, conn: Connection, kind: str, flt: LogFilter | None = None) -> str:
        if kind not in KINDS:
            raise invalid_params(f"no \"{kind}\" subscription in eth namespace")
        if len(conn.subs) >= self.max_per_connection:
            raise RpcError(LIMIT_EXCEEDED, f"too many subscriptions on this connection (limit {self.max_per_connection})")
        sid = new_id()
        conn.subs[sid] = Subscription(kind, flt)
        self.connections.add(conn)
        return sid

    def unsubscribe(self, conn: Connection, sid: str) -> bool:
        return conn.subs.pop(sid, None) is not None

    def drop(self, conn: Connection) -> None:
        self.connections.discard(conn)
        conn.subs.clear()

    def _notify(self, conn: Connection, sid: str, result: Any) -> None:
        conn.push({"jsonrpc": "2.0", "method": "eth_subscription", "params": {"subscription": sid, "result": result}})

    def publish_block(self, block: BlockNews) -> None:
        head = dict(block.header)
        logs = block.logs
        for conn in list(self.connections):
            for sid, sub in list(conn.subs.items()):
                if sub.kind == "newHeads":
                    self._notify(conn, sid, head)
                elif sub.kind == "logs" and sub.log_filter is not None:
                    for lg in logs:
                        if sub.log_filter.matches(lg):
                            self._notify(conn, sid, lg)

    def wants_pending(self) -> bool:
        return any(sub.kind == "newPendingTransactions" for c in self.connections for sub in c.subs.values())

    def publish_pending(self, tx_hash: bytes) -> None:
        h = "0x" + tx_hash.hex()
        for conn in list(self.connections):
            for sid, sub in list(conn.subs.items()):
                if sub.kind == "newPendingTransactions":
                    self._notify(conn, sid, h)
