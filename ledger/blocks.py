"""What the app tells its observers (indexers, RPC, metrics) after each committed block."""

from __future__ import annotations

from dataclasses import dataclass

from ledger.results import TxResult


@dataclass(frozen=True)
class CommittedBlock:
    height: int
    hash: bytes  # CometBFT block hash
    time_ns: int
    proposer: bytes  # CometBFT proposer address (20 bytes)
    app_hash: bytes  # app hash after this block
    txs: tuple[bytes, ...]  # raw txs in block order
    results: tuple[TxResult, ...]  # one per tx, in block order
    gas_limit: int
    gas_used: int
    base_fee_wei: int
    #: Decoded txs (``evm_bridge.api.EvmTx`` or native), parallel to ``txs``; None if undecodable.
    decoded: tuple[object | None, ...] = ()
