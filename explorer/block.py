"""The block page: header, proposer, gas, every tx with its status, and the block's OCC
report (app query ``/pysei/occ/block``) with its conflict keys decoded."""

from __future__ import annotations

from typing import Any

from explorer import chain, decode
from explorer.api import NotFound, RpcError
from explorer.client import NodeClient
from untrusted import json_text

OCC_QUERY = "/pysei/occ/block"


async def contract_names(client: NodeClient, contracts: list[str]) -> dict[str, str]:
    """The ``symbol()`` of each contract that answers one (ERC-20/721 tokens, pairs)."""
    unique = sorted(set(contracts))
    calls = [("eth_call", [{"to": c, "data": decode.SYMBOL_CALL}, "latest"]) for c in unique]
    out = {}
    for contract, answer in zip(unique, await client.evm_batch(calls), strict=True):
        name = decode.abi_string(answer) if isinstance(answer, str) else None
        if name:
            out[contract] = name
    return out


async def occ_report(client: NodeClient, height: int) -> tuple[dict[str, Any] | None, str]:
    """The report with each key's meaning, or None and why there is none."""
    try:
        report = json_text.loads(await client.app_query(OCC_QUERY, height))
    except RpcError as e:
        return None, e.text
    if not isinstance(report, dict):
        return None, "the node answered no report"
    keys = []
    for item in report.get("conflict_keys") or []:
        meaning = decode.key_meaning(str(item.get("store")), str(item.get("key")))
        keys.append({"store": item.get("store"), "key": item.get("key"), "count": int(item.get("count", 0)),
                     "text": meaning.text, "address": meaning.address})
    names = await contract_names(client, [k["address"] for k in keys if k["address"] and k["address"].startswith("0x")])
    for k in keys:
        k["name"] = names.get(k["address"] or "")
    report["conflict_keys"] = keys
    return report, ""


async def occ_summaries(client: NodeClient, heights: list[int]) -> dict[int, str]:
    """Per height, "speculated / re-executed" from the block's OCC report ("in order" when
    the app ran every tx itself, "—" for an empty block); heights without one are left out."""
    out = {}
    for height, value in zip(heights, await client.app_queries(OCC_QUERY, heights), strict=True):
        if isinstance(value, RpcError):
            continue
        try:
            report = json_text.loads(value)
            txs, speculated, again = int(report["txs"]), int(report["speculated"]), int(report["re_executed"])
        except (ValueError, KeyError, TypeError):
            continue
        out[height] = f"{speculated} / {again}" if speculated else "in order" if txs else "—"
    return out


async def block(client: NodeClient, height: int) -> dict[str, Any]:
    top = await chain.latest_height(client)
    if height > top:
        raise NotFound(f"block {height} does not exist yet (the latest is {top})")
    raw, results = await chain.block_with_results(client, height)
    evm_block = await client.evm_batch([("eth_getBlockByNumber", [hex(height), True])])
    evm_txs = {}
    if not isinstance(evm_block[0], RpcError) and evm_block[0]:
        evm_txs = {t["hash"]: t for t in evm_block[0].get("transactions") or [] if isinstance(t, dict)}
    txs = []
    for row in chain.tx_rows(raw, results):
        detail = evm_txs.get(row.evm_hash or "")
        txs.append({"row": row, "from": detail.get("from") if detail else None,
                    "to": detail.get("to") if detail else None,
                    "value": decode.hex_int(detail.get("value")) if detail else 0})
    header = raw["block"]["header"]
    report, why = await occ_report(client, height)
    return {
        "height": height,
        "latest": top,
        "hash": raw["block_id"]["hash"],
        "time": header["time"],
        "proposer": header["proposer_address"],
        "app_hash": header["app_hash"],
        "gas_used": sum(t["row"].gas_used for t in txs),
        "evm": evm_block[0] if not isinstance(evm_block[0], RpcError) else None,
        "txs": txs,
        "occ": report,
        "occ_missing": why,
    }
