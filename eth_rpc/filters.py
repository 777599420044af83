"""Polled filters (eth_newFilter, block and pending-tx filters). Lives on the server loop.

A log or block filter keeps a cursor (the last height it reported) and reads the index
on each poll, so it never misses a block; pending-tx filters buffer hashes (bounded). A
filter not polled for ``timeout_s`` is removed, as geth does after 5 minutes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from eth_rpc.errors import LIMIT_EXCEEDED, RpcError
from eth_rpc.ids import new_id
from eth_rpc.index.logs import LogFilter, query

LOGS, BLOCKS, PENDING = "logs", "blocks", "pending"
_MAX_PENDING = 10_000


@dataclass
class Filter:
    kind: str
    cursor: int  # last height reported
    deadline: float
    log_filter: LogFilter | None = None
    first: int = 0
    last: int | None = None  # None = follows the head
    pending: list[str] = field(default_factory=list)


class FilterManager:
    def __init__(self, index: Any, timeout_s: float, max_filters: int, max_log_blocks: int) -> None:
        self.index = index
        self.timeout_s = timeout_s
        self.max_filters = max_filters
        self.max_log_blocks = max_log_blocks
        self.filters: dict[str, Filter] = {}

    def _add(self, f: Filter) -> str:
        self.expire()
        if len(self.filters) >= self.max_filters:
            raise RpcError(LIMIT_EXCEEDED, f"too many filters (limit {self.max_filters})")
        fid = new_id()
        self.filters[fid] = f
        return fid

    def _deadline(self) -> float:
        return time.monotonic() + self.timeout_s

    def new_logs(self, flt: LogFilter, first: int, last: int | None) -> str:
        head = self.index.height
        return self._add(Filter(LOGS, head, self._deadline(), flt, first, last))

    def new_blocks(self) -> str:
        return self._add(Filter(BLOCKS, self.index.height, self._deadline()))

    def new_pending(self) -> str:
        return self._add(Filter(PENDING, self.index.height, self._deadline()))

    def get(self, fid: str) -> Filter:
        f = self.filters.get(fid)
        if f is None:
            raise RpcError(-32000, "filter not found")
        f.deadline = self._deadline()
        return f

    def changes(self, fid: str) -> list[Any]:
        f = self.get(fid)
        head = self.index.height
        if f.kind == PENDING:
            out, f.pending = f.pending, []
            return out
        if f.kind == BLOCKS:
            last = min(head, f.cursor + self.max_log_blocks)
            out = [self.index.header(h)["hash"] for h in range(f.cursor + 1, last + 1) if self.index.header(h)]
            f.cursor = last
            return out
        assert f.log_filter is not None
        stop = head if f.last is None else min(head, f.last)
        last = min(stop, f.cursor + self.max_log_blocks)
        if last <= f.cursor:
            return []
        out = query(self.index, f.log_filter, max(f.cursor + 1, f.first), last)
        f.cursor = last
        return out

    def logs(self, fid: str) -> list[Any]:
        f = self.get(fid)
        if f.kind != LOGS or f.log_filter is None:
            raise RpcError(-32000, "filter not found")
        last = self.index.height if f.last is None else min(self.index.height, f.last)
        if last - f.first + 1 > self.max_log_blocks:
            raise RpcError(LIMIT_EXCEEDED, f"block range too large: more than {self.max_log_blocks} blocks")
        return query(self.index, f.log_filter, f.first, last)

    def uninstall(self, fid: str) -> bool:
        return self.filters.pop(fid, None) is not None

    def wants_pending(self) -> bool:
        return any(f.kind == PENDING for f in self.filters.values())

    def add_pending(self, tx_hash: bytes) -> None:
        h = "0x" + tx_hash.hex()
        for f in self.filters.values():
            if f.kind == PENDING and len(f.pending) < _MAX_PENDING:
                f.pending.append(h)

    def expire(self) -> None:
        now = time.monotonic()
        for fid in [fid for fid, f in self.filters.items() if f.deadline < now]:
            del self.filters[fid]
