"""Fixtures for the native tx, ante and module tests: a dict-backed view and a funded chain."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from abci_app.module_api import MsgHandler
from abci_app.modules import auth, bank
from ledger.context import BlockContext
from tests.support.oracle import DictView, Key  # noqa: F401  (re-exported to the tests)

CHAIN_ID = "pysei-test-1"
ALICE_KEY = bytes.fromhex("01" * 32)
BOB_KEY = bytes.fromhex("02" * 32)
START_BALANCE = 10_000_000


@dataclass
class Chain:
    view: DictView
    handlers: dict[str, MsgHandler]
    alice: Key
    bob: Key
    ctx: BlockContext = field(
        default_factory=lambda: BlockContext(
            height=5,
            time_ns=1_700_000_000_000_000_000,
            chain_id=CHAIN_ID,
            evm_chain_id=713714,
            proposer=b"\0" * 20,
            block_hash=b"\0" * 32,
            gas_limit=100_000_000,
            base_fee_wei=0,
        )
    )


@pytest.fixture(name="DictView")
def dict_view_class() -> type[DictView]:
    """The ``DictView`` class, for tests that need an empty view of their own."""
    return DictView


@pytest.fixture
def chain() -> Chain:
    """Alice has account 0 with ``START_BALANCE`` usei; Bob has none."""
    view = DictView()
    alice, bob = Key(ALICE_KEY), Key(BOB_KEY)
    auth.module().init_genesis(view, {"accounts": []})  # type: ignore[misc]
    genesis = {
        "balances": [{"address": alice.bech32, "coins": [{"denom": "usei", "amount": str(START_BALANCE)}]}]
    }
    bank.module().init_genesis(view, genesis)  # type: ignore[misc]
    return Chain(view, dict(bank.module().messages), alice, bob)
