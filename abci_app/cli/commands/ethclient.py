"""A tiny Ethereum JSON-RPC client for the ``evm`` commands (standard library only): sign
locally, send raw, wait for the receipt, read with ``eth_call``."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from typing import Any

from abci_app.cli.comet_client import RpcError
from evm_bridge.signer import sign_tx
from untrusted import json_text

DEFAULT_EVM_RPC = "http://127.0.0.1:8545"


class EthClient:
    def __init__(self, url: str = DEFAULT_EVM_RPC, timeout: float = 60.0) -> None:
        self.url = url if "://" in url else "http://" + url
        self.timeout = timeout
        self._ids = itertools.count(1)

    def call(self, method: str, *params: Any) -> Any:
        body = json.dumps({"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": list(params)})
        req = urllib.request.Request(self.url, body.encode(), {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                out = json_text.loads(resp.read())
        except (urllib.error.URLError, OSError) as e:
            raise RpcError(f"{method}: cannot reach {self.url}: {e}") from None
        if out.get("error"):
            raise RpcError(f"{method}: {out['error'].get('message', '')}")
        return out["result"]

    def eth_call(self, to: bytes, data: bytes, sender: bytes | None = None) -> bytes:
        obj = {"to": "0x" + to.hex(), "data": "0x" + data.hex()}
        if sender is not None:
            obj["from"] = "0x" + sender.hex()
        return bytes.fromhex(self.call("eth_call", obj, "latest")[2:])

    def transact(self, key: bytes, sender: bytes, to: bytes, data: bytes, gas: int | None = None) -> dict[str, Any]:
        """Simulate (a revert raises ``RpcError`` with its reason), sign, send, and wait for
        the receipt; returns it."""
        obj = {"from": "0x" + sender.hex(), "to": "0x" + to.hex(), "data": "0x" + data.hex()}
        estimate = int(self.call("eth_estimateGas", obj, "latest"), 16)
        price = int(self.call("eth_gasPrice"), 16)
        raw = sign_tx(
            key, chain_id=int(self.call("eth_chainId"), 16),
            nonce=int(self.call("eth_getTransactionCount", obj["from"], "pending"), 16),
            gas=gas or estimate * 6 // 5, to=to, data=data, max_fee_per_gas=2 * price, max_priority_fee_per_gas=0,
        )
        tx_hash = self.call("eth_sendRawTransaction", "0x" + raw.hex())
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            receipt = self.call("eth_getTransactionReceipt", tx_hash)
            if receipt is not None:
                return receipt
            time.sleep(0.25)
        raise RpcError(f"tx {tx_hash} not mined within {self.timeout:.0f} s")
