"""Reads shared by several pages: the latest height, block headers, a block's txs with
both hashes, and the validator set."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eth_hash.auto import keccak

from explorer.api import NotFound, RpcError
from explorer.client import NodeClient

#: CometBFT's ``blockchain`` answers at most 20 headers a call.
HEADERS_PER_CALL = 20


@dataclass(frozen=True)
class BlockRow:
    height: int
    hash: str
    time: str
    txs: int
    proposer: str

    def as_json(self) -> dict[str, Any]:
        return {"height": self.height, "hash": self.hash, "time": self.time, "txs": self.txs,
                "proposer": self.proposer}


@dataclass(frozen=True)
class TxRow:
    """A tx of a block: CometBFT hash, EVM hash (EVM txs), kind, and its result."""

    index: int
    cosmos_hash: str
    evm_hash: str | None
    code: int
    gas_used: int
    log: str

    @property
    def kind(self) -> str:
        return "EVM" if self.evm_hash else "native"

    @property
    def link(self) -> str:
        return self.evm_hash or "0x" + self.cosmos_hash.lower()


def parse_time(text: str) -> datetime:
    """CometBFT's RFC 3339 time (nanoseconds, ``Z``) as an aware datetime."""
    main, _, frac = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{main}.{(frac + '000000')[:6]}+00:00")


def display_time(text: str) -> str:
    return parse_time(text).strftime("%Y-%m-%d %H:%M:%S.%f")[:23]


def cosmos_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest().upper()


def is_evm_envelope(raw: bytes) -> bool:
    """Typed Ethereum txs start with 0x01-0x04, legacy ones are an RLP list; native txs
    are protobuf and start with 0x0a."""
    return bool(raw) and (1 <= raw[0] <= 4 or raw[0] >= 0xC0)


async def latest_height(client: NodeClient) -> int:
    status = await client.comet("status")
    return int(status["sync_info"]["latest_block_height"])


def block_row(meta: dict[str, Any]) -> BlockRow:
    header = meta["header"]
    return BlockRow(
        height=int(header["height"]),
        hash=str(meta["block_id"]["hash"]),
        time=display_time(str(header["time"])),
        txs=int(meta.get("num_txs", 0)),
        proposer=str(header["proposer_address"]),
    )


async def headers(client: NodeClient, lowest: int, highest: int) -> list[BlockRow]:
    """Headers of ``lowest..highest``, newest first (batched, 20 a call)."""
    calls = []
    top = highest
    while top >= lowest:
        bottom = max(lowest, top - HEADERS_PER_CALL + 1)
        calls.append(("blockchain", {"minHeight": str(bottom), "maxHeight": str(top)}))
        top = bottom - 1
    rows: list[BlockRow] = []
    for result in await client.comet_batch(calls):
        if isinstance(result, RpcError):
            continue
        rows.extend(block_row(m) for m in result.get("block_metas") or [])
    return sorted(rows, key=lambda r: -r.height)


def tx_rows(block: dict[str, Any], results: dict[str, Any] | None) -> list[TxRow]:
    """Every tx of a CometBFT ``block`` answer with its ``block_results`` entry."""
    raws = [base64.b64decode(t) for t in block["block"]["data"].get("txs") or []]
    outcomes = (results or {}).get("txs_results") or []
    rows = []
    for i, raw in enumerate(raws):
        res = outcomes[i] if i < len(outcomes) else {}
        rows.append(TxRow(
            index=i,
            cosmos_hash=cosmos_hash(raw),
            evm_hash="0x" + keccak(raw).hex() if is_evm_envelope(raw) else None,
            code=int(res.get("code", 0) or 0),
            gas_used=int(res.get("gas_used", 0) or 0),
            log=str(res.get("log", "") or ""),
        ))
    return rows


async def block_with_results(client: NodeClient, height: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
    block, results = await client.comet_batch([("block", {"height": str(height)}),
                                               ("block_results", {"height": str(height)})])
    if isinstance(block, RpcError):
        raise NotFound(f"block {height}: {block.text}")
    return block, None if isinstance(results, RpcError) else results


async def validators(client: NodeClient) -> list[dict[str, Any]]:
    """The current validator set: address (hex), voting power, public key."""
    out = await client.comet("validators", per_page="100")
    return list(out.get("validators") or [])
