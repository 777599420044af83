"""The load's ERC-20: ``tests/contracts/Token.sol`` compiled with the project's solc helper,
deployed by one account, which then hands tokens to every ERC-20 sender before the run."""

from __future__ import annotations

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


def token_bytecode() -> bytes | None:
    """Creation code of ``Token`` (constructor arguments appended), or None without solc."""
    try:
        from tests.support.solc import compile_contract
    except ImportError:
        return None
    try:
        _, code = compile_contract(SOURCE, "Token")
    except (OSError, RuntimeError, ValueError) as e:
        print(f"ERC-20 unavailable: {e}")
        return None
    return code + encode(["string", "string", "uint256"], ["Load", "LOAD", SUPPLY])


def create_address(sender: bytes, nonce: int) -> bytes:
    return keccak(rlp.encode([sender, nonce]))[12:]


def deploy_and_grant(
    ends: Endpoints, deployer: LoadAccount, holders: Sequence[LoadAccount], evm_chain_id: int,
    timeout: float = 120,
) -> bytes:
    """Deploy the token and send ``GRANT`` to each holder; wait until all of it is committed."""
    code = token_bytecode()
    if code is None:
        raise RuntimeError("no solc: run `make js` (tests/e2e/js) to enable ERC-20 load")
    url = ends.cometbft[0]
    nonce = chainstate.next_sequence(url, deployer, ERC20)
    token = create_address(deployer.evm_address, nonce)
    txs = [LoadTx(ERC20, evm_call(deployer, nonce, None, evm_chain_id, data=code, gas=DEPLOY_GAS), -1, 0)]
    for i, h in enumerate(holders):
        data = erc20_transfer_data(h.evm_address, GRANT)
        txs.append(LoadTx(ERC20, evm_call(deployer, nonce + 1 + i, token, evm_chain_id, data=data,
                                          gas=ERC20_GAS), -1, 0))
    sub = submit_in_order(txs, Endpoints([url] * len(ends.cometbft)))
    if sub.rejected:
        raise RuntimeError(f"ERC-20 setup rejected: {sub.rejected[0][1]}")
    deadline = time.time() + timeout
    for tx in (txs[0], txs[-1]):
        while (res := chainstate.tx_result(url, tx.hash)) is None:
            if time.time() > deadline:
                raise TimeoutError("ERC-20 setup not committed")
            time.sleep(0.3)
        if res["code"] != 0:
            raise RuntimeError(f"ERC-20 setup failed: {res}")
    return token
