"""The tx page. EVM: from/to, value, gas, fee, decoded logs, the call trace as a tree,
the revert reason. Native: messages and events. Both hashes are linked."""

from __future__ import annotations

import base64
import json
from typing import Any

from eth_hash.auto import keccak

from explorer import chain, decode
from explorer.api import NotFound, RpcError
from explorer.client import NodeClient
from untrusted import json_text


async def tx(client: NodeClient, hash_: str) -> dict[str, Any]:
    """``hash_`` is ``0x`` + 64 lowercase hex: a CometBFT hash or an EVM hash. CometBFT is
    asked first: the JSON-RPC also answers a native tx's hash (its synthetic EVM view)."""
    try:
        comet = await client.comet("tx", hash=base64.b64encode(bytes.fromhex(hash_[2:])).decode())
    except RpcError:
        comet = None
    if comet is not None:
        raw = base64.b64decode(comet["tx"])
        if not chain.is_evm_envelope(raw):
            return await cosmos_tx_page(client, comet)
        hash_ = "0x" + keccak(raw).hex()
    found = await client.evm("eth_getTransactionByHash", hash_)
    if not found:
        raise NotFound(f"no transaction has hash {hash_}")
    return await evm_tx(client, found)


async def evm_tx(client: NodeClient, t: dict[str, Any]) -> dict[str, Any]:
    h = t["hash"]
    receipt, trace, cosmos = await client.evm_batch([
        ("eth_getTransactionReceipt", [h]),
        ("debug_traceTransaction", [h, {"tracer": "callTracer"}]),
        ("sei_getCosmosTx", [h]),
    ])
    receipt = receipt if isinstance(receipt, dict) else {}
    tree = decode.call_tree(trace) if isinstance(trace, dict) else None
    logs = [{"log": log, "event": decode.decode_log(log)} for log in receipt.get("logs") or []]
    gas_used = decode.hex_int(receipt.get("gasUsed"))
    price = decode.hex_int(receipt.get("effectiveGasPrice") or t.get("gasPrice"))
    status = decode.hex_int(receipt.get("status")) if receipt else None
    return {
        "kind": "EVM",
        "hash": h,
        "cosmos_hash": cosmos if isinstance(cosmos, str) else None,
        "block": decode.hex_int(t.get("blockNumber")) if t.get("blockNumber") else None,
        "from": t.get("from"),
        "to": t.get("to"),
        "created": receipt.get("contractAddress"),
        "value": decode.hex_int(t.get("value")),
        "nonce": decode.hex_int(t.get("nonce")),
        "gas_limit": decode.hex_int(t.get("gas")),
        "gas_used": gas_used,
        "gas_price": price,
        "fee": gas_used * price,
        "type": decode.hex_int(t.get("type")),
        "input": t.get("input") or "0x",
        "status": status,
        "logs": logs,
        "trace": tree,
        "trace_error": trace.text if isinstance(trace, RpcError) else None,
        "revert": (tree or {}).get("reason") or (tree or {}).get("error") if status == 0 else None,
    }


async def cosmos_tx_page(client: NodeClient, comet: dict[str, Any]) -> dict[str, Any]:
    h = str(comet["hash"]).upper()
    result = comet.get("tx_result") or {}
    try:
        decoded = await client.rest(f"/cosmos/tx/v1beta1/txs/{h}")
        messages = decoded.get("tx", {}).get("body", {}).get("messages") or []
        fee = decoded.get("tx", {}).get("auth_info", {}).get("fee", {}).get("amount") or []
    except RpcError:
        messages, fee = [], []
    events = [
        {"type": e.get("type"), "attributes": [(a.get("key"), a.get("value")) for a in e.get("attributes") or []]}
        for e in result.get("events") or []
    ]
    shown = [{"type": m.get("@type", "?"), "fields": {k: contract_msg(k, v) for k, v in m.items() if k != "@type"}}
             for m in messages if isinstance(m, dict)]
    return {
        "kind": "Wasm" if any(m["type"].startswith("/cosmwasm.") for m in shown) else "native",
        "hash": "0x" + h.lower(),
        "cosmos_hash": h,
        "block": int(comet["height"]),
        "code": int(result.get("code", 0) or 0),
        "log": result.get("log", ""),
        "gas_wanted": int(result.get("gas_wanted", 0) or 0),
        "gas_used": int(result.get("gas_used", 0) or 0),
        "fee": fee,
        "messages": shown,
        "events": events,
    }


def contract_msg(key: str, value: Any) -> Any:
    """A CosmWasm ``msg`` (base64 of JSON in the REST API's answer) as its JSON text."""
    if key != "msg" or not isinstance(value, str):
        return value
    try:
        return json.dumps(json_text.loads(base64.b64decode(value, validate=True)), sort_keys=True)
    except ValueError:
        return value
