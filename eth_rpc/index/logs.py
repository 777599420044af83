"""Log filters: a block range, addresses (any of) and topic positions (any of per position).

``query`` walks the range and reads a block's receipts only when its bloom may match.
The same ``LogFilter.matches`` serves eth_getLogs, filters and WebSocket subscriptions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from eth_rpc.index.store import BlockIndex
from evm_bridge.receipts import bloom_may_contain

Json = dict[str, Any]


@dataclass(frozen=True)
class LogFilter:
    #: Lower-case 0x hex addresses; empty = any.
    addresses: frozenset[str] = frozenset()
    #: Per position: None = any, else the allowed lower-case 0x hex topics.
    topics: tuple[frozenset[str] | None, ...] = ()

    def matches(self, lg: Json) -> bool:
        if self.addresses and lg["address"].lower() not in self.addresses:
            return False
        topics = lg["topics"]
        if len(self.topics) > len(topics):
            return False
        return all(want is None or topics[i] in want for i, want in enumerate(self.topics))

    def bloom_allows(self, bloom: bytes) -> bool:
        if self.addresses and not any(bloom_may_contain(bloom, bytes.fromhex(a[2:])) for a in self.addresses):
            return False
        for want in self.topics:
            if want is not None and not any(bloom_may_contain(bloom, bytes.fromhex(t[2:])) for t in want):
                return False
        return True

    def block_logs(self, receipts: list[Json]) -> Iterator[Json]:
        for r in receipts:
            for lg in r["logs"]:
                if self.matches(lg):
                    yield lg


def query(index: BlockIndex, flt: LogFilter, first: int, last: int, limit: int | None = None) -> list[Json]:
    """Matching logs of heights ``first..last`` in chain order (at most ``limit``, if given)."""
    out: list[Json] = []
    for h in range(max(first, index.first_height), min(last, index.height) + 1):
        header = index.header(h)
        if header is None:
            continue
        bloom = bytes.fromhex(header["logsBloom"][2:])
        if not any(bloom) or not flt.bloom_allows(bloom):
            continue
        out.extend(flt.block_logs(index.receipts(h)))
        if limit is not None and len(out) > limit:
            break
    return out
