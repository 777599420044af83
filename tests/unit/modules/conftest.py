"""Fixtures for module tests: a dict view with funded Alice and Bob, and a signed-tx runner."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from coincurve import PrivateKey

from abci_app.module_api import Module, MsgHandler
from abci_app.modules.registry import load_modules
from abci_app.tx.builder import build_and_sign
from abci_app.tx.execute import execute_native
from abci_app.tx.native import decode_native
from ledger import accounts
from ledger.addresses import sei_address_from_pubkey, to_bech32
from ledger.context import BlockContext
from ledger.results import TxResult

CHAIN_ID = "pysei-test-1"
FUNDS = 10**12
FEE = 2_000
GAS = 300_000
CTX = BlockContext(
    height=5, time_ns=1_700_000_000_000_000_000, chain_id=CHAIN_ID, evm_chain_id=713714,
    proposer=b"\0" * 20, block_hash=b"\0" * 32, gas_limit=100_000_000, base_fee_wei=0,
)


class DictView:
    """The oracle ``KVView``: a dict per store, sorted on iteration."""

    def __init__(self) -> None:
        self.data: dict[str, dict[bytes, bytes]] = {}

    def get(self, store: str, key: bytes) -> bytes | None:
        return self.data.get(store, {}).get(key)

    def set(self, store: str, key: bytes, value: bytes) -> None:
        self.data.setdefault(store, {})[key] = value

    def delete(self, store: str, key: bytes) -> None:
        self.data.get(store, {}).pop(key, None)

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        items = sorted(
            (k, v) for k, v in self.data.get(store, {}).items()
            if (start is None or k >= start) and (end is None or k < end)
        )
        return iter(reversed(items) if reverse else items)

    def snapshot(self) -> dict[str, dict[bytes, bytes]]:
        return {s: dict(kv) for s, kv in self.data.items() if kv}


@dataclass(frozen=True)
class Key:
    priv: bytes

    @property
    def pubkey(self) -> bytes:
        return PrivateKey(self.priv).public_key.format(compressed=True)

    @property
    def address(self) -> bytes:
        return sei_address_from_pubkey(self.pubkey)

    @property
    def bech32(self) -> str:
        return to_bech32(self.address)


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
        decoded = decode_native(self.signed(key, msgs), 1 << 20, self.handlers)
        return execute_native(decoded, CTX, self.view, self.handlers)


@pytest.fixture
def chain() -> Chain:
    return Chain(["auth", "bank", "evm", "tokenfactory"])


@pytest.fixture(name="DictView")
def dict_view_class() -> type[DictView]:
    return DictView
