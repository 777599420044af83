"""A running in-process JSON-RPC server over a mini chain with a deployed ERC-20."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode

from tests.support.rpc_chain import ADDRESSES, MiniChain
from tests.support.solc import compile_contract

TOKEN_SOL = Path(__file__).resolve().parents[2] / "e2e" / "contracts" / "TestToken.sol"


def post(url: str, body: Any, raw: bool = False) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            text = resp.read()
            return resp.status, (text if raw else (json.loads(text) if text else None))
    except urllib.error.HTTPError as e:
        text = e.read()
        return e.code, (text if raw else json.loads(text))


class Client:
    def __init__(self, chain: MiniChain, token: str, abi: list) -> None:
        self.chain, self.url, self.token, self.abi = chain, chain.url, token, abi

    def call(self, method: str, *params: Any) -> Any:
        _, out = post(self.url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})
        if "error" in out:
            raise RpcFailure(out["error"])
        return out["result"]

    def raw(self, method: str, *params: Any) -> dict:
        return post(self.url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})[1]


class RpcFailure(Exception):
    def __init__(self, error: dict) -> None:
        super().__init__(error["message"])
        self.error = error


@pytest.fixture(scope="package")
def rpc(tmp_path_factory) -> Client:
    abi, code = compile_contract(TOKEN_SOL, "TestToken")
    chain = MiniChain(tmp_path_factory.mktemp("rpcchain"))
    chain.start()
    deploy = code + encode(["string", "string", "uint256"], ["Test", "TT", 10**24])
    chain.mine([chain.sign(0, nonce=0, data=deploy)])
    receipt = chain.index.receipts(1)[0]
    token = receipt["contractAddress"]
    assert receipt["status"] == "0x1", receipt
    transfer = bytes.fromhex("a9059cbb") + encode(["address", "uint256"], [ADDRESSES[1], 5 * 10**18])
    chain.mine([chain.sign(0, nonce=1, to=token, data=transfer)])
    chain.mine([chain.sign(0, nonce=2, to=ADDRESSES[2], value=10**18, gas=21_000)])
    yield Client(chain, token, abi)
    chain.close()
