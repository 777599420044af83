"""Fixtures for the native tx, ante and module tests: a dict-backed view and a funded chain."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from coincurve import PrivateKey

from abci_app.module_api import MsgHandler
from abci_app.modules import auth, bank
from ledger.addresses import sei_address_from_pubkey, to_bech32
from ledger.context import BlockContext

CHAIN_ID = "pysei-test-1"
ALICE_KEY = bytes.fromhex("01" * 32)
BOB_KEY = bytes.fromhex("02" * 32)
START_BALANCE = 10_000_000


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
            (k, v)
            for k, v in self.data.get(store, {}).items()
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
