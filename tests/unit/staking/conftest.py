"""A staking chain over a dict view: genesis with one validator, signed native txs, and the
end-of-block steps in the order ``blockexec`` runs them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.cosmos_tx.decode import decode_cosmos_tx
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from abci_app.module_api import BlockInfo, Module, MsgHandler, ValidatorUpdate
from abci_app.modules.loader import load_modules
from abci_app.modules.staking.genesis import genesis_validator
from ledger import accounts, bank
from ledger.addresses import FEE_COLLECTOR
from ledger.context import BlockContext
from ledger.results import TxResult
from tests.support.oracle import DictView, Key  # noqa: F401  (re-exported to the tests)

CHAIN_ID = "pysei-test-1"
FUNDS = 10**13
SELF = 10**12  # genesis self-delegation: power 1,000,000
UNBONDING_NS = 60 * 10**9
MODULES = ("auth", "bank", "evm", "staking", "distribution", "slashing")
T0 = 1_700_000_000_000_000_000
NO_INFO = BlockInfo()


VAL, ALICE, BOB = Key(b"\x11" * 32), Key(b"\x22" * 32), Key(b"\x33" * 32)


def genesis(slashing: dict | None = None) -> dict[str, Any]:
    keys = (VAL, ALICE, BOB)
    return {
        "auth": {"accounts": [{"address": k.bech32, "pub_key": k.pubkey.hex()} for k in keys]},
        "bank": {"balances": [{"address": k.bech32, "coins": [{"denom": "usei", "amount": str(FUNDS)}]} for k in keys]},
        "staking": {
            "params": {"unbonding_time_ns": str(UNBONDING_NS), "max_validators": 3},
            "validators": [genesis_validator(VAL.address, VAL.cons_pubkey, SELF, "v0")],
        },
        "slashing": {"params": slashing or {"signed_blocks_window": 10, "downtime_jail_ns": str(100 * 10**9)}},
    }


class Chain:
    """Modules over one ``DictView``; ``tx`` signs and executes like FinalizeBlock, ``end``
    runs the end-of-block steps (fees to the collector, end_blocks, validator updates)."""

    def __init__(self, names: Sequence[str] = MODULES, slashing: dict | None = None) -> None:
        self.modules: list[Module] = load_modules(names)
        self.handlers: dict[str, MsgHandler] = {}
        for m in self.modules:
            self.handlers.update(m.messages)
        self.view = DictView()
        state = genesis(slashing)
        for m in self.modules:
            if m.init_genesis is not None:
                m.init_genesis(self.view, state.get(m.name, {}))
        self.ctx = BlockContext(height=1, time_ns=T0, chain_id=CHAIN_ID, evm_chain_id=713714,
                                proposer=b"\0" * 20, block_hash=b"\0" * 32, gas_limit=100_000_000, base_fee_wei=0)
        self.fees = 0
        self.updates: list[ValidatorUpdate] = self.end()

    def tx(self, key: Key, *msgs: Any, fee: int = 2_000) -> TxResult:
        acct = accounts.get_account(self.view, key.address)
        assert acct is not None
        raw = build_and_sign(key.priv, list(msgs), CHAIN_ID, acct.number, acct.sequence, fee, 400_000)
        result = execute_cosmos_tx(decode_cosmos_tx(raw, 1 << 20, self.handlers), self.ctx, self.view, self.handlers)
        self.fees += result.fee_wei
        return result

    def end(self, info: BlockInfo = NO_INFO, advance_ns: int = 10**9) -> list[ValidatorUpdate]:
        if self.fees:
            bank.set_wei_balance(self.view, FEE_COLLECTOR, bank.wei_balance(self.view, FEE_COLLECTOR) + self.fees)
            self.fees = 0
        ordered = sorted(self.modules, key=lambda m: m.name)
        for m in ordered:
            if m.end_block is not None:
                m.end_block(self.ctx, self.view, (), info)
        updates: list[ValidatorUpdate] = []
        for m in ordered:
            if m.validator_updates is not None:
                updates.extend(m.validator_updates(self.ctx, self.view))
        self.ctx = replace(self.ctx, height=self.ctx.height + 1, time_ns=self.ctx.time_ns + advance_ns)
        return updates

    def balance(self, key: Key | bytes) -> int:
        return bank.balance(self.view, key.address if isinstance(key, Key) else key, "usei")


@pytest.fixture
def chain() -> Chain:
    return Chain()
