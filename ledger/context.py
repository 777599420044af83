"""The block context every execution sees (from CometBFT, never the wall clock)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BlockContext:
    height: int
    time_ns: int  # block time from the header, nanoseconds since the Unix epoch
    chain_id: str
    evm_chain_id: int
    proposer: bytes  # CometBFT proposer address (20 bytes)
    block_hash: bytes  # CometBFT block hash of this height (32 bytes; zeros when unknown)
    gas_limit: int
    base_fee_wei: int  # EIP-1559 base fee of this block, in wei
    min_gas_price_usei: int = 0  # minimum native gas price (usei per gas, scaled by 10**6)
    #: A Wasm call made by the EVM (the wasmd precompile): it may not call the EVM again.
    from_evm: bool = False

    @property
    def time_seconds(self) -> int:
        return self.time_ns // 1_000_000_000
