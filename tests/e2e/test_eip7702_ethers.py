"""EIP-7702 through ethers v6 (pinned in tests/e2e/js) on a real node: an EOA delegates to a
contract (a set-code tx with an authorization ethers signs), calls through its own
address, then clears the delegation; ethers' own estimates are the gas limits."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
from eth_account import Account

from abci_app.cli.keyring import Keyring
from tests.e2e.conftest import JS, npm_ready
from tests.e2e.test_gas_differential import CHAIN_ID, rpc
from tests.support.node import LocalNode
from tests.support.solc import compile_contract

pytestmark = pytest.mark.e2e
COUNTER = Path(__file__).resolve().parents[1] / "contracts" / "Counter.sol"


def _deploy(url: str, key: str, code: bytes) -> str:
    acct = Account.from_key(key)
    nonce = int(rpc(url, "eth_getTransactionCount", acct.address, "latest"), 16)
    tx = {"type": 2, "chainId": CHAIN_ID, "nonce": nonce, "gas": 1_000_000, "maxFeePerGas": 10**11,
          "maxPriorityFeePerGas": 10**9, "data": "0x" + code.hex(), "value": 0}
    h = rpc(url, "eth_sendRawTransaction", "0x" + bytes(acct.sign_transaction(tx).raw_transaction).hex())
    for _ in range(150):
        receipt = rpc(url, "eth_getTransactionReceipt", h)
        if receipt is not None:
            assert receipt["status"] == "0x1"
            return receipt["contractAddress"]
        time.sleep(0.2)
    raise TimeoutError(h)


def test_delegate_call_and_clear_with_ethers(tmp_path_factory) -> None:
    npm_ready()
    code = compile_contract(COUNTER, "Counter")[1]
    with LocalNode(tmp_path_factory.mktemp("eip7702") / "home", chain_id="pysei-e2e-1") as node:
        ring = Keyring(node.home / "keys")
        deployer, bob = "0x" + ring.get("alice").privkey.hex(), "0x" + ring.get("bob").privkey.hex()
        counter = _deploy(node.evm_url, deployer, code)
        proc = subprocess.run(["node", "eip7702_ethers.mjs", node.evm_url, bob, counter], cwd=JS,
                              capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        eoa = Account.from_key(bob).address
        assert out["address"] == eoa
        assert out["delegation"]["status"] == 1 and out["delegation"]["type"] == 4
        # Bob's first tx has nonce 0, so its own authorization carries nonce 1
        assert out["delegation"]["authorizations"] == [{"address": counter, "nonce": "1", "chainId": str(CHAIN_ID)}]
        assert out["codeAfterDelegation"] == "0xef0100" + counter[2:].lower()
        assert out["call"]["status"] == 1 and out["call"]["to"] == eoa
        assert out["count"] == "2"  # once in the set-code tx itself, once through the address
        assert out["clear"]["status"] == 1 and out["clear"]["type"] == 4
        assert out["codeAfterClear"] == "0x"
        assert rpc(node.evm_url, "eth_getStorageAt", eoa, "0x0", "latest") == "0x" + (2).to_bytes(32, "big").hex()
        assert rpc(node.evm_url, "eth_getStorageAt", counter, "0x0", "latest") == "0x" + bytes(32).hex()
