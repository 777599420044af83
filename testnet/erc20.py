"""The load's ERC-20: ``tests/contracts/Token.sol`` compiled with the project's solc helper,
deployed by one account, which then hands tokens to every ERC-20 sender before the run."""

from __future__ import annotations

import hashlib
import importlib.util
import time
from collections.abc import Sequence
from pathlib import Path

import rlp
from eth_abi import encode
from eth_hash.auto import keccak

from . import chainstate
from .manifest import LoadAccount
from .submit import Endpoints, submit_in_order
from .txgen import ERC20, ERC20_GAS, LoadTx, erc20_transfer_data, evm_call

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "contracts" / "Token.sol"
DEPLOY_GAS = 3_000_000
SUPPLY = 10**30
GRANT = 10**18
BATCH = 100
STALL_SECONDS = 3.0


def token_bytecode() -> bytes | None:
    """Creation code of ``Token`` (constructor arguments appended), or None without solc."""
    helper = ROOT / "tests" / "support" / "solc.py"
    if not helper.exists():
        return None
    spec = importlib.util.spec_from_file_location("pysei_solc_helper", helper)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    try:
        _, code = module.compile_contract(SOURCE, "Token")
    except (OSError, RuntimeError, ValueError) as e:
        print(f"ERC-20 unavailable: {e}")
        return None
    return code + encode(["string", "string", "uint256"], ["Load", "LOAD", SUPPLY])


def create_address(sender: bytes, nonce: int) -> bytes:
    return keccak(rlp.encode([sender, nonce]))[12:]


def _wait_nonce(url: str, account: LoadAccount, want: int, timeout: float) -> int:
    """Poll the committed nonce until it reaches ``want`` or stops moving for ``timeout`` s."""
    last, since = -1, time.time()
    while True:
        n = chainstate.next_sequence(url, account, ERC20)
        if n >= want:
            return n
        if n != last:
            last, since = n, time.time()
        elif time.time() - since > timeout:
            return n
        time.sleep(0.3)


def deploy_and_grant(
    ends: Endpoints, deployer: LoadAccount, holders: Sequence[LoadAccount], evm_chain_id: int,
    timeout: float = 120,
) -> bytes:
    """Deploy the token and send ``GRANT`` to each holder; wait until all of it is committed.

    The deployer's txs go in batches, each resumed from the committed nonce: a node may drop
    some of one sender's queued txs when it rechecks its mempool after a block."""
    code = token_bytecode()
    if code is None:
        raise RuntimeError("no solc: run `make js` (tests/e2e/js) to enable ERC-20 load")
    url = ends.cometbft[0]
    first = chainstate.next_sequence(url, deployer, ERC20)
    token = create_address(deployer.evm_address, first)
    calls = [(None, code, DEPLOY_GAS)] + [(token, erc20_transfer_data(h.evm_address, GRANT), ERC20_GAS)
                                           for h in holders]
    deadline, done = time.time() + timeout, 0
    while done < len(calls):
        if time.time() > deadline:
            raise TimeoutError(f"ERC-20 setup: {done} of {len(calls)} txs committed")
        batch = [LoadTx(ERC20, evm_call(deployer, first + j, to, evm_chain_id, data=data, gas=gas), -1, 0)
                 for j, (to, data, gas) in enumerate(calls[done : done + BATCH], start=done)]
        submit_in_order(batch, Endpoints([url]))
        done = _wait_nonce(url, deployer, first + done + len(batch), STALL_SECONDS) - first
    res = chainstate.tx_result(url, hashlib.sha256(
        evm_call(deployer, first, None, evm_chain_id, data=code, gas=DEPLOY_GAS)).hexdigest().upper())
    if res is None or res["code"] != 0:
        raise RuntimeError(f"ERC-20 deployment failed: {res}")
    return token
