"""geth's ``flatCallTracer`` (Parity's trace format): the call tracer's frames as one list,
depth first, each with its ``traceAddress`` and the tx's place in its block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True)
class TxPlace:
    """Where a traced tx sits (a simulated call: the block it runs in, no hash)."""

    block_hash: str | None
    block_number: int
    tx_hash: str | None
    position: int | None


def flatten(frame: Json, place: TxPlace, address: tuple[int, ...] = ()) -> list[Json]:
    kind = frame["type"]
    create = kind in ("CREATE", "CREATE2")
    calls = frame.get("calls", [])
    entry: Json = {
        "action": ({"from": frame["from"], "gas": frame["gas"], "init": frame["input"], "value": frame["value"]}
                   if create else
                   {"callType": kind.lower(), "from": frame["from"], "gas": frame["gas"], "input": frame["input"],
                    "to": frame["to"], "value": frame["value"]}),
        "blockHash": place.block_hash,
        "blockNumber": place.block_number,
        "subtraces": len(calls),
        "traceAddress": list(address),
        "transactionHash": place.tx_hash,
        "transactionPosition": place.position,
        "type": "create" if create else "call",
    }
    if "error" in frame:
        entry["error"] = "Reverted" if frame["error"] == "execution reverted" else frame["error"]
    elif create:
        entry["result"] = {"address": frame["to"], "code": frame["output"], "gasUsed": frame["gasUsed"]}
    else:
        entry["result"] = {"gasUsed": frame["gasUsed"], "output": frame["output"]}
    out = [entry]
    for i, child in enumerate(calls):
        out += flatten(child, place, (*address, i))
    return out
