"""A funded in-memory chain for the EVM bridge tests: a dict overlay view, keys, helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from eth_abi import decode, encode
from eth_hash.auto import keccak

from evm_bridge.account_db import read_balance
from evm_bridge.api import DYNAMIC_FEE_TX, EvmTx
from evm_bridge.call import call
from evm_bridge.execute import execute_tx
from evm_bridge.precompiles.registry import PrecompileTable, precompile_table
from evm_bridge.signer import address_of, sign_tx
from evm_bridge.txs import decode_tx
from ledger import bank
from ledger.context import BlockContext
from ledger.results import TxResult
from store.overlay import EmptyView, Overlay
from tests.support.solc import compile_contract

CHAIN_ID = 713714
ALICE = bytes.fromhex("a1" * 32)
BOB = bytes.fromhex("b2" * 32)
CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
BASE_FEE = 10**9
START = 10**24  # wei


def selector(signature: str) -> bytes:
    return keccak(signature.encode())[:4]


def calldata(signature: str, types: list[str] | None = None, args: list[Any] | None = None) -> bytes:
    return selector(signature) + (encode(types, args) if types else b"")


@dataclass
class Chain:
    view: Overlay
    ctx: BlockContext
    nonces: dict[bytes, int] = field(default_factory=dict)
    precompiles: PrecompileTable = field(default_factory=precompile_table)

    def tx(self, key: bytes, to: bytes | None, value: int = 0, data: bytes = b"", gas: int = 100_000,
           nonce: int | None = None, tx_type: int = DYNAMIC_FEE_TX, fee: int = 2 * BASE_FEE) -> EvmTx:
        sender = address_of(key)
        n = self.nonces.get(sender, 0) if nonce is None else nonce
        raw = sign_tx(key, chain_id=CHAIN_ID, nonce=n, gas=gas, to=to, value=value, data=data,
                      max_fee_per_gas=fee, max_priority_fee_per_gas=BASE_FEE // 2, tx_type=tx_type)
        return decode_tx(raw, CHAIN_ID)

    def run(self, tx: EvmTx) -> TxResult:
        result = execute_tx(tx, self.ctx, self.view, self.precompiles)
        if result.evm is not None:
            self.nonces[tx.sender] = tx.nonce + 1
        return result

    def send(self, key: bytes, to: bytes | None, value: int = 0, data: bytes = b"", gas: int = 100_000) -> TxResult:
        return self.run(self.tx(key, to, value, data, gas))

    def balance(self, addr: bytes) -> int:
        return read_balance(self.view, addr)

    def call(self, to: bytes, data: bytes, out_types: list[str]) -> tuple[Any, ...]:
        res = call(self.view, self.ctx, self.precompiles, None, to, data)
        assert res.success, res.error
        return decode(out_types, res.output)


@pytest.fixture
def chain() -> Chain:
    view = Overlay(EmptyView())
    for key in (ALICE, BOB):
        bank.set_wei_balance(view, address_of(key), START)
    ctx = BlockContext(height=10, time_ns=1_700_000_000 * 10**9, chain_id="pysei-test", evm_chain_id=CHAIN_ID,
                       proposer=bytes.fromhex("c0" * 20), block_hash=b"\x42" * 32, gas_limit=30_000_000,
                       base_fee_wei=BASE_FEE)
    return Chain(view, ctx)


@pytest.fixture(scope="session")
def counter_code() -> bytes:

    return compile_contract(CONTRACTS / "Counter.sol", "Counter")[1]


@pytest.fixture(scope="session")
def token_code() -> bytes:

    return compile_contract(CONTRACTS / "Token.sol", "Token")[1]
