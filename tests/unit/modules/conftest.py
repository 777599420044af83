"""Fixtures for module tests: a dict view with funded Alice and Bob, and a signed-tx runner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.cosmos_tx.decode import decode_cosmos_tx
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from abci_app.module_api import Module, MsgHandler
from abci_app.modules.loader import load_modules
from ledger import accounts
from ledger.context import BlockContext
from ledger.results import TxResult
from tests.support.oracle import DictView, Key  # noqa: F401  (re-exported to the tests)

CHAIN_ID = "pysei-test-1"
FUNDS = 10**12
FEE = 2_000
GAS = 300_000
CTX = BlockContext(
    height=5, time_ns=1_700_000_000_000_000_000, chain_id=CHAIN_ID, evm_chain_id=713714,
    proposer=b"\0" * 20, block_hash=b"\0" * 32, gas_limit=100_000_000, base_fee_wei=0,
)


ALICE, BOB, CAROL = Key(b"\x11" * 32), Key(b"\x22" * 32), Key(b"\x33" * 32)


def genesis(*keys: Key) -> dict[str, Any]:
    return {
        "auth": {"accounts": [{"address": k.bech32, "pub_key": k.pubkey.hex()} for k in keys]},
        "bank": {"balances": [{"address": k.bech32, "coins": [{"denom": "usei", "amount": str(FUNDS)}]}
                              for k in keys]},
    }


class Chain:
    """Enabled modules over one ``DictView``; ``tx`` signs and executes like FinalizeBlock."""

    def __init__(self, names: Sequence[str]) -> None:
        self.modules: list[Module] = load_modules(names)
        self.handlers: dict[str, MsgHandler] = {}
        for m in self.modules:
            self.handlers.update(m.messages)
        self.view = DictView()
        state = genesis(ALICE, BOB, CAROL)
        for m in self.modules:
            if m.init_genesis is not None:
                m.init_genesis(self.view, state.get(m.name, {}))

    def module(self, name: str) -> Module:
        return next(m for m in self.modules if m.name == name)

    def signed(self, key: Key, msgs: Sequence[Any]) -> bytes:
        acct = accounts.get_account(self.view, key.address)
        assert acct is not None
        return build_and_sign(key.priv, list(msgs), CHAIN_ID, acct.number, acct.sequence, FEE, GAS)

    def tx(self, key: Key, *msgs: Any) -> TxResult:
        decoded = decode_cosmos_tx(self.signed(key, msgs), 1 << 20, self.handlers)
        return execute_cosmos_tx(decoded, CTX, self.view, self.handlers)


@pytest.fixture
def chain() -> Chain:
    return Chain(["auth", "bank", "evm", "tokenfactory"])


@pytest.fixture(name="DictView")
def dict_view_class() -> type[DictView]:
    return DictView
