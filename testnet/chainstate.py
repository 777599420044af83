"""Reading what a load needs to know from a running node: each sender's next sequence or
nonce (raw store queries through ``abci_query``) and a tx's result by hash."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from ledger.addresses import from_bech32
from ledger.encoding import addr_key
from testnet import rpc
from testnet.manifest import LoadAccount
from testnet.txgen import NATIVE


def store_get(url: str, store: str, key: bytes) -> bytes | None:
    res = rpc.call(url, "abci_query", path=f"/store/{store}/key", data=key.hex())["response"]
    if int(res.get("code", 0)) != 0:
        raise rpc.RpcError(f"store query {store}: {res.get('log')}")
    value = res.get("value")
    return base64.b64decode(value) if value else None


def next_sequence(url: str, account: LoadAccount, kind: str) -> int:
    """Native: the account's sequence; EVM: its nonce."""
    if kind == NATIVE:
        raw = store_get(url, "acc", b"a" + addr_key(from_bech32(account.address)))
        return int.from_bytes(raw[8:16], "big") if raw else 0
    raw = store_get(url, "evm", b"n" + account.evm_address)
    return int.from_bytes(raw, "big") if raw else 0


def next_sequences(url: str, accounts: Sequence[LoadAccount], senders: dict[str, list[int]]) -> dict[int, int]:
    jobs = [(i, kind) for kind, idx in senders.items() for i in idx]
    with ThreadPoolExecutor(16) as pool:
        values = pool.map(lambda job: next_sequence(url, accounts[job[0]], job[1]), jobs)
        return {i: v for (i, _), v in zip(jobs, values, strict=True)}


def tx_result(url: str, tx_hash: str) -> dict | None:
    """``/tx`` by hash: ``{"height", "code", "log"}`` or None while it is not committed."""
    try:
        res = rpc.call(url, "tx", hash=base64.b64encode(bytes.fromhex(tx_hash)).decode())
    except rpc.RpcError:
        return None
    r = res["tx_result"]
    return {"height": int(res["height"]), "code": int(r.get("code", 0)), "log": r.get("log", "")}
