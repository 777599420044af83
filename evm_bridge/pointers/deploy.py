"""Deploy a pointer contract from inside a precompile call, as a CREATE by the precompile.

The precompile's account is the deployer: the pointer's address is the usual CREATE address
of (precompile address, its nonce), so it is deterministic and never collides with a
user's contract. The creation runs as a child of the precompile's computation: it pays
its gas from the call (all but 1/64 of what is left, as CREATE does), and its writes are
the tx's, reverted with any enclosing frame.
"""

from __future__ import annotations

from typing import Any

from eth._utils.address import generate_contract_address
from eth.constants import CREATE_CONTRACT_ADDRESS

from evm_bridge.precompiles.api import PrecompileError


def deploy(computation: Any, creation_code: bytes) -> bytes:
    """Run ``creation_code`` (constructor arguments appended) and return the new address."""
    deployer = bytes(computation.msg.storage_address)
    state = computation.state
    nonce = state.get_nonce(deployer)
    state.increment_nonce(deployer)
    address = generate_contract_address(deployer, nonce)
    if state.has_code_or_nonce(address):
        raise PrecompileError(f"pointer address 0x{address.hex()} is taken")
    remaining = computation.get_gas_remaining()
    gas = remaining - remaining // 64
    computation.consume_gas(gas, reason="pointer deployment")
    child_msg = computation.prepare_child_message(
        gas=gas, to=CREATE_CONTRACT_ADDRESS, value=0, data=b"", code=creation_code, create_address=address,
    )
    child = computation.apply_child_computation(child_msg)
    computation.return_gas(child.get_gas_remaining())
    if child.is_error:
        raise PrecompileError(f"pointer deployment failed: {child.error}")
    return address
