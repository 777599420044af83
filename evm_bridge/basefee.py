"""EIP-1559 base fee per block: a pure function of the parent block.

The app keeps the current base fee in state and, after each block, stores
``next_base_fee(base fee, EVM gas used, block gas limit)``. The target is half the block
gas limit (elasticity 2); the fee moves by at most 1/8 per block and never drops below
``MIN_BASE_FEE_WEI`` (so it can always rise again; geth's rule stalls at 0).
"""

from __future__ import annotations

ELASTICITY_MULTIPLIER = 2
BASE_FEE_MAX_CHANGE_DENOMINATOR = 8
#: 1 gwei: the base fee of the first block (Ethereum's London value).
INITIAL_BASE_FEE_WEI = 1_000_000_000
#: The floor: 1 usei per 1,000,000 gas (10**6 wei per gas).
MIN_BASE_FEE_WEI = 1_000_000


def next_base_fee(parent_base_fee: int, parent_gas_used: int, parent_gas_limit: int) -> int:
    """The base fee of the next block (integer arithmetic only, as in geth's CalcBaseFee)."""
    target = parent_gas_limit // ELASTICITY_MULTIPLIER
    if target <= 0 or parent_gas_used == target:
        fee = parent_base_fee
    elif parent_gas_used > target:
        delta = max(parent_base_fee * (parent_gas_used - target) // target // BASE_FEE_MAX_CHANGE_DENOMINATOR, 1)
        fee = parent_base_fee + delta
    else:
        delta = parent_base_fee * (target - parent_gas_used) // target // BASE_FEE_MAX_CHANGE_DENOMINATOR
        fee = parent_base_fee - delta
    return max(fee, MIN_BASE_FEE_WEI)
