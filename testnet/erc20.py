"""The load's ERC-20: ``testnet/contracts/LoadToken.sol`` compiled with the project's solc
helper (``tests/support/solc.py``, solc from npm in ``tests/e2e/js``) and deployed by one
account in one tx whose constructor grants tokens to every ERC-20 sender of the run.

(One deployment instead of a grant tx per holder: a chain of one sender's txs is fragile
while CheckTx rechecks may run out of order, see the report of issue 7.)
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Sequence
from pathlib import Path

import rlp
from eth_abi import encode
from eth_hash.auto import keccak

from testnet import chainstate
from testnet.manifest import LoadAccount
from testnet.submit import Endpoints, submit_in_order
from testnet.txgen import ERC20, LoadTx, evm_call

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path(__file__).resolve().parent / "contracts" / "LoadToken.sol"
SOLC_HELPER = ROOT / "tests" / "support" / "solc.py"
GRANT = 10**18
GAS_PER_HOLDER = 30_000
MAX_DEPLOY_GAS = 95_000_000
DEPLOY_GAS = 1_500_000


def token_code() -> bytes | None:
    """Creation code of ``LoadToken``, or None without the solc helper or solc."""
    if not SOLC_HELPER.exists():
        return None
    spec = importlib.util.spec_from_file_location("pysei_solc_helper", SOLC_HELPER)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    try:
        _, code = module.compile_contract(SOURCE, "LoadToken")
    except (OSError, RuntimeError, ValueError) as e:
        print(f"ERC-20 unavailable: {e}")
        return None
    return code


def create_address(sender: bytes, nonce: int) -> bytes:
    return keccak(rlp.encode([sender, nonce]))[12:]


def deploy_token(ends: Endpoints, deployer: LoadAccount, holders: Sequence[LoadAccount], evm_chain_id: int,
                 timeout: float = 120) -> bytes:
    """Deploy the token granting ``GRANT`` to each holder; its address once committed."""
    code = token_code()
    if code is None:
        raise RuntimeError("no solc: run `make js` (tests/e2e/js) to enable ERC-20 load")
    url = ends.cometbft[0]
    nonce = chainstate.next_sequence(url, deployer, ERC20)
    data = code + encode(["address[]", "uint256"], [[h.evm_address for h in holders], GRANT])
    gas = min(MAX_DEPLOY_GAS, DEPLOY_GAS + GAS_PER_HOLDER * len(holders))
    tx = LoadTx(ERC20, evm_call(deployer, nonce, None, evm_chain_id, data=data, gas=gas), -1, 0)
    sub = submit_in_order([tx], Endpoints([url]))
    if sub.rejected:
        raise RuntimeError(f"ERC-20 deployment rejected: {sub.rejected[0][1]}")
    deadline = time.time() + timeout
    while (res := chainstate.tx_result(url, tx.hash)) is None:
        if time.time() > deadline:
            raise TimeoutError("ERC-20 deployment not committed")
        time.sleep(0.3)
    if res["code"] != 0:
        raise RuntimeError(f"ERC-20 deployment failed: {res}")
    return create_address(deployer.evm_address, nonce)
