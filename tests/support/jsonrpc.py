"""Small JSON-RPC helpers for the tests: raw requests (exact JSON, for schema checks; exact
bytes and status, for answers that are not JSON), the same through web3.py's provider, and
waiting for a receipt."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from web3 import Web3

CHAIN_ID = 713714


def rpc(url: str, method: str, params: list[Any]) -> dict[str, Any]:
    """One request as plain JSON: the answer object, ``result`` or ``error``."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read())


def raw_post(url: str, body: bytes) -> tuple[int, bytes]:
    """POST ``body`` as JSON: the HTTP status and the answer's bytes, errors included."""
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def web3_rpc(url: str, method: str, params: list[Any]) -> dict[str, Any]:
    """One request through web3.py's HTTP provider (as a web3.py user calls a method it has
    no wrapper for): the answer object, ``result`` or ``error``."""
    return dict(Web3(Web3.HTTPProvider(url)).provider.make_request(method, params))


def wait_receipt(url: str, tx_hash: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        receipt = rpc(url, "eth_getTransactionReceipt", [tx_hash]).get("result")
        if receipt is not None:
            return receipt
        time.sleep(0.2)
    raise AssertionError(f"no receipt for {tx_hash}")
