"""The home page: latest blocks and txs, block interval and tx/s over the last blocks,
validators with voting power and blocks missed in a recent window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from explorer import block, chain
from explorer.api import RpcError
from explorer.client import NodeClient

CHART_BLOCKS = 100
LATEST_TXS = 10
MISSED_WINDOW = 20


def _seconds(time: str) -> float:
    return datetime.fromisoformat(time.replace(" ", "T") + "+00:00").timestamp()


def chart_series(rows: list[chain.BlockRow]) -> dict[str, list[float]]:
    """Per block (oldest first): unix time, seconds since the previous block, txs/s."""
    ordered = sorted(rows, key=lambda r: r.height)
    out: dict[str, list[float]] = {"t": [], "interval": [], "tps": []}
    for prev, row in zip(ordered, ordered[1:], strict=False):
        if prev.height == 1:
            continue  # the first block's time is the genesis time, however long ago
        dt = max(_seconds(row.time) - _seconds(prev.time), 0.001)
        out["t"].append(round(_seconds(row.time), 3))
        out["interval"].append(round(dt, 3))
        out["tps"].append(round(row.txs / dt, 2))
    return out


async def latest_txs(client: NodeClient, rows: list[chain.BlockRow]) -> list[tuple[int, chain.TxRow]]:
    with_txs = [r.height for r in rows if r.txs][:LATEST_TXS]
    calls = [("block", {"height": str(h)}) for h in with_txs]
    out: list[tuple[int, chain.TxRow]] = []
    for height, raw in zip(with_txs, await client.comet_batch(calls), strict=True):
        if isinstance(raw, RpcError):
            continue
        out.extend((height, tx) for tx in reversed(chain.tx_rows(raw, None)))
        if len(out) >= LATEST_TXS:
            break
    return out[:LATEST_TXS]


async def missed_blocks(client: NodeClient, top: int, window: int) -> tuple[dict[str, int], int]:
    """Per validator address: blocks of the last ``window`` commits it did not sign."""
    heights = range(max(1, top - window + 1), top + 1)
    commits = await client.comet_batch([("commit", {"height": str(h)}) for h in heights])
    counted = 0
    signed: dict[str, int] = {}
    for c in commits:
        if isinstance(c, RpcError):
            continue
        counted += 1
        for sig in c["signed_header"]["commit"].get("signatures") or []:
            if sig.get("validator_address"):
                signed[sig["validator_address"]] = signed.get(sig["validator_address"], 0) + 1
    return {addr: counted - n for addr, n in signed.items()}, counted


async def home(client: NodeClient, recent: int) -> dict[str, Any]:
    status = await client.comet("status")
    top = int(status["sync_info"]["latest_block_height"])
    rows = await chain.headers(client, max(1, top - CHART_BLOCKS + 1), top)
    vals = await chain.validators(client)
    missed, window = await missed_blocks(client, top, MISSED_WINDOW)
    return {
        "chain_id": status["node_info"]["network"],
        "height": top,
        "blocks": rows[:recent],
        "occ": await block.occ_summaries(client, [r.height for r in rows[:recent]]),
        "txs": await latest_txs(client, rows),
        "chart": chart_series(rows),
        "validators": [
            {"address": v["address"], "power": int(v["voting_power"]),
             "missed": missed.get(v["address"], window)}
            for v in vals
        ],
        "window": window,
    }
