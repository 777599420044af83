"""The address page (both forms, balances, nonce, code, recent txs) and the validator
page (stake, commission, jailed, uptime over recent commits)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from explorer import addresses, chain, decode
from explorer.api import BadInput, NotFound, RpcError
from explorer.client import NodeClient


async def both_forms(client: NodeClient, text: str) -> tuple[str, str, bool]:
    """(0x form, sei1 form, associated): an unassociated address's other form is the
    same 20 bytes (how the chain casts it)."""
    if addresses.is_evm(text):
        evm = addresses.evm_checksum(text)
        try:
            return evm, await client.evm("sei_getSeiAddress", evm), True
        except RpcError:
            return evm, addresses.to_bech32(bytes.fromhex(evm[2:])), False
    if text.startswith(addresses.ACCOUNT_PREFIX + "1"):
        raw = addresses.bech32_bytes(text)
        try:
            return await client.evm("sei_getEVMAddress", text), text, True
        except RpcError:
            return addresses.evm_checksum("0x" + raw[:20].hex()), text, False
    raise BadInput(f"{text!r} is not an address (0x and 40 hex digits, or sei1…)")


async def recent_evm_txs(client: NodeClient, evm: str, top: int, scan: int) -> list[dict[str, Any]]:
    """EVM txs from or to ``evm`` in the last ``scan`` blocks, newest first."""
    want = evm.lower()
    heights = list(range(top, max(0, top - scan), -1))
    out = []
    for b in await client.evm_batch([("eth_getBlockByNumber", [hex(h), True]) for h in heights]):
        if not isinstance(b, dict):
            continue
        for t in b.get("transactions") or []:
            if want in (str(t.get("from", "")).lower(), str(t.get("to") or "").lower()):
                out.append({"hash": t["hash"], "block": decode.hex_int(t.get("blockNumber")),
                            "from": t.get("from"), "to": t.get("to"), "value": decode.hex_int(t.get("value"))})
    return out


async def recent_cosmos_txs(client: NodeClient, sei: str) -> list[dict[str, Any]]:
    try:
        found = await client.comet("tx_search", query=f"message.sender='{sei}'", order_by="desc", per_page="20")
    except RpcError:
        return []
    return [{"hash": "0x" + str(t["hash"]).lower(), "block": int(t["height"]),
             "code": int(t.get("tx_result", {}).get("code", 0) or 0)} for t in found.get("txs") or []]


async def address(client: NodeClient, text: str, scan: int) -> dict[str, Any]:
    evm, sei, associated = await both_forms(client, text)
    balance, nonce, code = await client.evm_batch([
        ("eth_getBalance", [evm, "latest"]), ("eth_getTransactionCount", [evm, "latest"]), ("eth_getCode", [evm, "latest"]),
    ])
    try:
        bank = (await client.rest(f"/cosmos/bank/v1beta1/balances/{sei}")).get("balances") or []
    except RpcError:
        bank = []
    top = await chain.latest_height(client)
    return {
        "evm": evm,
        "sei": sei,
        "associated": associated,
        "wei": decode.hex_int(balance) if isinstance(balance, str) else None,
        "nonce": decode.hex_int(nonce) if isinstance(nonce, str) else None,
        "code": code if isinstance(code, str) and code != "0x" else None,
        "balances": [(b.get("denom"), int(b.get("amount", 0))) for b in bank],
        "evm_txs": await recent_evm_txs(client, evm, top, scan),
        "cosmos_txs": await recent_cosmos_txs(client, sei),
        "scan": min(scan, top),
    }


def consensus_address(pubkey: dict[str, Any]) -> str:
    """CometBFT's address of an ed25519 key: the first 20 bytes of its SHA-256."""
    return hashlib.sha256(base64.b64decode(pubkey.get("key", ""))).hexdigest()[:40].upper()


async def uptime(client: NodeClient, cons: str, top: int, window: int) -> tuple[int, int]:
    """(commits signed, commits counted) over the last ``window`` heights."""
    heights = range(max(1, top - window + 1), top + 1)
    commits = await client.comet_batch([("commit", {"height": str(h)}) for h in heights])
    signed = counted = 0
    for c in commits:
        if isinstance(c, RpcError):
            continue
        counted += 1
        sigs = c["signed_header"]["commit"].get("signatures") or []
        signed += any(s.get("validator_address") == cons for s in sigs)
    return signed, counted


async def validator(client: NodeClient, text: str, window: int) -> dict[str, Any]:
    if text.startswith(addresses.VALOPER_PREFIX + "1"):
        addresses.bech32_bytes(text, addresses.VALOPER_PREFIX)
    elif len(text) != 40 or any(c not in "0123456789abcdefABCDEF" for c in text):
        raise BadInput(f"{text!r} is not a validator address (seivaloper1… or 40 hex digits)")
    staking = (await client.rest("/cosmos/staking/v1beta1/validators?pagination.limit=200")).get("validators") or []
    cons_power = {v["address"]: int(v["voting_power"]) for v in await chain.validators(client)}
    for v in staking:
        cons = consensus_address(v.get("consensus_pubkey") or {})
        if text in (v.get("operator_address"), cons) or text.upper() == cons:
            break
    else:
        raise NotFound(f"no validator has address {text}")
    top = await chain.latest_height(client)
    signed, counted = await uptime(client, cons, top, window)
    operator = str(v.get("operator_address", ""))
    owner = addresses.to_bech32(addresses.bech32_bytes(operator, addresses.VALOPER_PREFIX))
    try:
        own = await client.rest(f"/cosmos/staking/v1beta1/validators/{operator}/delegations/{owner}")
        self_bonded = (own.get("delegation_response") or {}).get("balance") or {}
    except RpcError:
        self_bonded = {}
    rates = (v.get("commission") or {}).get("commission_rates") or {}
    return {
        "operator": operator,
        "owner": owner,
        "self_bonded": f"{self_bonded.get('amount', '0')} {self_bonded.get('denom', 'usei')}",
        "consensus": cons,
        "moniker": (v.get("description") or {}).get("moniker", ""),
        "tokens": int(v.get("tokens", 0)),
        "shares": v.get("delegator_shares"),
        "commission": rates.get("rate"),
        "max_commission": rates.get("max_rate"),
        "jailed": bool(v.get("jailed")),
        "status": v.get("status"),
        "power": cons_power.get(cons, 0),
        "signed": signed,
        "counted": counted,
    }
