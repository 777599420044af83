"""The ERC-20 of load (c): ``testnet/contracts/LoadToken.sol`` deployed through
``eth_sendRawTransaction`` by one account, its constructor granting tokens to every holder,
on either node."""

from __future__ import annotations

import time
from collections.abc import Sequence

from eth_abi import encode

from testnet.erc20 import DEPLOY_GAS, GAS_PER_HOLDER, GRANT, create_address, token_code
from testnet.manifest import LoadAccount
from testnet.txgen import evm_call

from .nodes import Node, call


def deploy(node: Node, deployer: LoadAccount, holders: Sequence[LoadAccount], timeout: float = 120) -> bytes:
    """The token's address once its deployment is in a block with status 1."""
    code = token_code()
    if code is None:
        raise RuntimeError("no solc: run `make js` (tests/e2e/js) for the ERC-20 load")
    nonce = int(call(node.eth_url, "eth_getTransactionCount", ["0x" + deployer.evm_address.hex(), "latest"]), 16)  # type: ignore[arg-type]
    data = code + encode(["address[]", "uint256"], [[h.evm_address for h in holders], GRANT])
    raw = evm_call(deployer, nonce, None, node.chain_id, data=data, gas=DEPLOY_GAS + GAS_PER_HOLDER * len(holders))
    tx_hash = call(node.eth_url, "eth_sendRawTransaction", ["0x" + raw.hex()])
    deadline = time.time() + timeout
    while (receipt := call(node.eth_url, "eth_getTransactionReceipt", [tx_hash])) is None:
        if time.time() > deadline:
            raise TimeoutError(f"{node.name}: the ERC-20 deployment is not in a block")
        time.sleep(0.3)
    if int(receipt["status"], 16) != 1:  # type: ignore[index]
        raise RuntimeError(f"{node.name}: the ERC-20 deployment failed: {receipt}")
    return create_address(deployer.evm_address, nonce)
