"""``BlockIndex``: the index's key layout, per-block batched writes and lookups.

Key layout (all heights big-endian u64, tx positions u32)::

    m height                 last indexed height
    m first                  first indexed height
    b + height               {"h": block object without txs, "n": EVM tx count,
                              "p": block position of each EVM tx}
    X + height               the block's EVM tx hashes, 32 bytes each, in order (a block
                             object without full txs; absent in indexes written before it)
    H + block hash           height
    x + height + position    tx object (EVM txs first, then synthetic native entries)
    r + height + position    receipt, parallel to ``x``
    w + height + block pos   bytes of every tx in CometBFT block order (trace replays)
    t + tx hash              height + position
    e + tag \0 value \0 ...   a tx's event attribute, for CometBFT's ``tx_search`` (only when
                             the node indexes them, ``tx_events``: its layout and search)

Each block is one atomic write that also moves ``m height``; writing a height again
(CometBFT replays after a crash) overwrites it with the same content. The observer runs
on the consensus thread; readers (the RPC loop) may read concurrently.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import orjson

from eth_rpc.index import tx_events
from eth_rpc.index.kv import IndexKV, MemoryKV
from eth_rpc.index.render import ZERO_HASH, BlockNews, render_block
from ledger.blocks import CommittedBlock

log = logging.getLogger("pysei.index")

Json = dict[str, Any]
_HEIGHT = b"mheight"
_FIRST = b"mfirst"


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def _dump(obj: object) -> bytes:
    """Compact JSON (orjson: a quarter of the render process's time went to ``json.dumps``);
    what orjson does not take (an integer past 64 bits) goes through ``json``."""
    try:
        return orjson.dumps(obj)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(obj, separators=(",", ":")).encode()


def indexed_height(kv: IndexKV) -> int:
    """The last height fully written to the index ``kv`` (0: none)."""
    raw = kv.get(_HEIGHT)
    return int.from_bytes(raw, "big") if raw else 0


def render_rows(
    block: CommittedBlock, parent: bytes, chain_id: int, events: tx_events.EventIndexing | None = None
) -> tuple[BlockNews, list[tuple[bytes, bytes]]]:
    """The news of ``block`` for the live feeds and the index rows holding its Ethereum
    view, and its txs' event attributes with ``events`` (pure: it runs in the indexer's
    render process as well as inline)."""
    r = render_block(block, parent, chain_id)
    h = _u64(block.height)
    record = {"h": r.header, "n": r.evm_count, "p": r.evm_positions}
    hashes = b"".join(bytes.fromhex(t["hash"][2:]) for t in r.txs[:r.evm_count])
    rows = [(b"b" + h, _dump(record)), (b"H" + block.hash, h), (b"X" + h, hashes)]
    rows += [(b"w" + h + i.to_bytes(4, "big"), raw) for i, raw in enumerate(r.raw)]
    for i, (tx, receipt) in enumerate(zip(r.txs, r.receipts, strict=True)):
        pos = h + i.to_bytes(4, "big")
        rows += [(b"x" + pos, _dump(tx)), (b"r" + pos, _dump(receipt))]
        rows.append((b"t" + bytes.fromhex(tx["hash"][2:]), pos))
    if events is not None:
        rows += tx_events.event_rows(block.height, block.txs, [res.events for res in block.results], events.only)
    return r.news(), rows


class BlockIndex:
    """Blocks, txs, receipts and logs of committed heights, as the JSON-RPC serves them."""

    def __init__(self, kv: IndexKV | None = None, chain_id: int = 713714,
                 events: tx_events.EventIndexing | None = None) -> None:
        self.kv = kv if kv is not None else MemoryKV()
        self.chain_id = chain_id
        #: The txs' event attributes kept for ``tx_search`` (None: none).
        self.events = events
        self._height = indexed_height(self.kv)
        raw = self.kv.get(_FIRST)
        self._first = int.from_bytes(raw, "big") if raw else 0
        self._listeners: list[Callable[[BlockNews], None]] = []
        self._lock = threading.Lock()
        self._headers: dict[int, Json] = {}

    # ---- writing ----

    def add_listener(self, fn: Callable[[BlockNews], None]) -> None:
        """``fn(block)`` runs after each indexed block (on the observer's thread)."""
        self._listeners.append(fn)

    def observe(self, block: CommittedBlock, outcome: object = None) -> None:
        """The app observer: index ``block`` and tell the listeners."""
        self.notify(self.index_block(block))

    def notify(self, news: BlockNews) -> None:
        for fn in self._listeners:
            try:
                fn(news)
            except Exception:
                log.exception("index listener failed at height %d", news.height)

    def index_block(self, block: CommittedBlock, extra: list[tuple[bytes, bytes | None]] = ()) -> BlockNews:
        """Render and write ``block`` in one batch (with ``extra`` pairs, e.g. a journal delete)."""
        with self._lock:
            r, rows = render_rows(block, self.parent_hash(block.height), self.chain_id, self.events)
            return self._write(block.height, r, rows, extra)

    def parent_hash(self, height: int) -> bytes:
        """The indexed hash of ``height - 1`` (zero below the first indexed block)."""
        return self.block_hash(height - 1) or ZERO_HASH

    def write_rendered(
        self, height: int, parent: bytes, news: BlockNews, rows: list[tuple[bytes, bytes]],
        extra: list[tuple[bytes, bytes | None]] = (),
    ) -> BlockNews | None:
        """Write a block rendered elsewhere (``render_rows``) against ``parent``; None, writing
        nothing, if height - 1 was re-indexed with another hash meanwhile."""
        with self._lock:
            if self.parent_hash(height) != parent:
                return None
            return self._write(height, news, rows, extra)

    def _write(
        self, height: int, news: BlockNews, rows: list[tuple[bytes, bytes]], extra: list[tuple[bytes, bytes | None]]
    ) -> BlockNews:
        h = _u64(height)
        pairs: list[tuple[bytes, bytes | None]] = list(rows)
        if height > self._height:
            pairs.append((_HEIGHT, h))
        if not self._first or height < self._first:
            pairs.append((_FIRST, h))
        self.kv.write(pairs + list(extra))
        self._headers.pop(height, None)
        # the block shows from here on: lookups by hash hide heights above ``_height``, so
        # a receipt is never seen before ``eth_blockNumber`` (and "latest") reach its block
        self._height = max(self._height, height)
        if not self._first or height < self._first:
            self._first = height
        return news

    def check_gap(self, db_height: int) -> tuple[int, int] | None:
        """Compare with the store's height at start; returns (first, last) missing, if any."""
        if db_height > self._height:
            gap = (self._height + 1, db_height)
            log.warning(
                "index is behind the state store: heights %d..%d are not indexed (blocks committed before a "
                "crash or before the index existed); they stay missing from the JSON-RPC", *gap
            )
            return gap
        return None

    # ---- reading ----

    @property
    def height(self) -> int:
        return self._height

    @property
    def first_height(self) -> int:
        return self._first

    def _record(self, height: int) -> Json | None:
        rec = self._headers.get(height)
        if rec is None:
            raw = self.kv.get(b"b" + _u64(height)) if height >= 0 else None
            if raw is None:
                return None
            rec = json.loads(raw)
            if len(self._headers) > 512:
                self._headers.clear()
            self._headers[height] = rec
        return rec

    def header(self, height: int) -> Json | None:
        rec = self._record(height)
        return dict(rec["h"]) if rec else None

    def evm_count(self, height: int) -> int:
        rec = self._record(height)
        return rec["n"] if rec else 0

    def block_hash(self, height: int) -> bytes | None:
        rec = self._record(height)
        return bytes.fromhex(rec["h"]["hash"][2:]) if rec else None

    def height_of(self, block_hash: bytes) -> int | None:
        raw = self.kv.get(b"H" + block_hash)
        if not raw:
            return None
        height = int.from_bytes(raw, "big")
        return height if height <= self._height else None  # as ``locate``

    def tx_hashes(self, height: int) -> list[str]:
        """The block's EVM tx hashes (0x-hex, block order)."""
        raw = self.kv.get(b"X" + _u64(height))
        if raw is None:  # indexed before the hash row existed
            return [t["hash"] for t in self.txs(height)[:self.evm_count(height)]]
        return ["0x" + raw[i:i + 32].hex() for i in range(0, len(raw), 32)]

    def txs(self, height: int) -> list[Json]:
        return [json.loads(v) for _, v in self.kv.scan(b"x" + _u64(height))]

    def receipts(self, height: int) -> list[Json]:
        return [json.loads(v) for _, v in self.kv.scan(b"r" + _u64(height))]

    def raw_txs(self, height: int) -> list[bytes]:
        """The bytes of every tx of the block (EVM and native), in CometBFT block order."""
        return [v for _, v in self.kv.scan(b"w" + _u64(height))]

    def evm_positions(self, height: int) -> list[int]:
        """Block position of each of the block's EVM txs (EVM order)."""
        rec = self._record(height)
        return list(rec.get("p", [])) if rec else []

    def tx_at(self, height: int, position: int) -> Json | None:
        raw = self.kv.get(b"x" + _u64(height) + position.to_bytes(4, "big"))
        return json.loads(raw) if raw else None

    def locate(self, tx_hash: bytes) -> tuple[int, int] | None:
        """(height, position) of an indexed tx; None until its block's height is the
        index's (``_write`` makes the rows readable first, then moves the height)."""
        raw = self.kv.get(b"t" + tx_hash)
        if not raw:
            return None
        height = int.from_bytes(raw[:8], "big")
        return (height, int.from_bytes(raw[8:], "big")) if height <= self._height else None

    def tx(self, tx_hash: bytes) -> Json | None:
        loc = self.locate(tx_hash)
        raw = self.kv.get(b"x" + _u64(loc[0]) + loc[1].to_bytes(4, "big")) if loc else None
        return json.loads(raw) if raw else None

    def receipt(self, tx_hash: bytes) -> Json | None:
        loc = self.locate(tx_hash)
        raw = self.kv.get(b"r" + _u64(loc[0]) + loc[1].to_bytes(4, "big")) if loc else None
        return json.loads(raw) if raw else None

    def close(self) -> None:
        self.kv.close()
