"""Uniswap v3 from its published npm artifacts, driven by ethers v6 on a real node with
ethers' own estimates as gas limits (issue 19: NonfungiblePositionManager.mint ran out of
gas in the block). Every tx lands with status 1, and each mined tx's gas is what a
simulation at its parent block and its trace both report."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from abci_app.cli.keyring import Keyring
from tests.e2e.conftest import JS, TOKEN_SOL, npm_ready
from tests.e2e.test_gas_differential import rpc
from tests.support.node import LocalNode
from tests.support.solc import compile_contract

pytestmark = pytest.mark.e2e
STEPS = [
    "deploy_token_a", "deploy_token_b", "deploy_factory", "deploy_position_manager", "approve_a", "approve_b",
    "create_and_initialize_pool", "mint_after_initialize", "mint_second_position", "mint_same_ticks",
    "increase_liquidity", "decrease_liquidity", "collect", "burn",
]


def test_uniswap_v3_position_manager_with_ethers_estimates(tmp_path_factory) -> None:
    npm_ready()
    abi, bytecode = compile_contract(TOKEN_SOL, "TestToken")
    work = tmp_path_factory.mktemp("uniswap")
    artifact = Path(work) / "TestToken.json"
    artifact.write_text(json.dumps({"abi": abi, "bytecode": "0x" + bytecode.hex()}))
    with LocalNode(work / "home", chain_id="pysei-e2e-1") as node:
        key = "0x" + Keyring(node.home / "keys").get("alice").privkey.hex()
        proc = subprocess.run(["node", "uniswap_v3_ethers.mjs", node.evm_url, key, str(artifact)], cwd=JS,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        out = json.loads(proc.stdout.strip().splitlines()[-1])
        assert [t["name"] for t in out["txs"]] == STEPS
        assert [t["status"] for t in out["txs"]] == [1] * len(STEPS), out["txs"]
        assert int(rpc(node.evm_url, "eth_call", {"to": out["manager"], "data": "0x18160ddd"}, "latest"), 16) == 2
        for t in out["txs"]:
            used, limit = int(t["gasUsed"]), int(t["gasLimit"])
            assert used <= limit, t
            receipt = rpc(node.evm_url, "eth_getTransactionReceipt", t["hash"])
            tx = rpc(node.evm_url, "eth_getTransactionByHash", t["hash"])
            traced = rpc(node.evm_url, "debug_traceTransaction", t["hash"], {"tracer": "callTracer"})
            assert int(traced["gasUsed"], 16) == int(receipt["gasUsed"], 16) == used
            if receipt["transactionIndex"] == "0x0":  # alone first in its block: replayable at the parent
                call = {"from": tx["from"], "to": tx["to"], "input": tx["input"], "gas": tx["gas"],
                        "maxFeePerGas": tx["maxFeePerGas"], "maxPriorityFeePerGas": tx["maxPriorityFeePerGas"]}
                parent = hex(int(receipt["blockNumber"], 16) - 1)
                simulated = rpc(node.evm_url, "debug_traceCall", call, parent, {"tracer": "callTracer"})
                assert int(simulated["gasUsed"], 16) == used, t["name"]
