"""Fixtures for wasm_bridge tests: a block context, an empty view, WAT contracts, cw-plus builds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import wasmtime

from ledger import bank
from ledger.addresses import to_bech32
from ledger.context import BlockContext
from store.overlay import EmptyView, Overlay
from tests.support.cw import build_contract
from wasm_bridge import state
from wasm_bridge.api import CodeInfo
from wasm_bridge.cache import ModuleCache
from wasm_bridge.code import store_code
from wasm_bridge.gas import GasMeter
from wasm_bridge.keeper import Keeper

WAT_DIR = Path(__file__).resolve().parents[2] / "contracts" / "wasm"
ALICE, BOB, CAROL = b"\x01" * 20, b"\x02" * 20, b"\x03" * 20
CTX = BlockContext(
    height=7, time_ns=1_700_000_000_000_000_000, chain_id="pysei-test-1", evm_chain_id=713714,
    proposer=b"\x00" * 20, block_hash=b"\x00" * 32, gas_limit=0, base_fee_wei=0,
)


def wat(body: str | None = None, name: str = "echo.wat") -> bytes:
    """The WAT contract compiled to Wasm, with ``execute``'s body replaced when given."""
    text = (WAT_DIR / name).read_text()
    if body is not None:
        text = text.replace("(call $echo (local.get $msg)) ;; BODY", body)
    return bytes(wasmtime.wat2wasm(text))


@pytest.fixture(scope="session")
def cache() -> ModuleCache:
    return ModuleCache()


@pytest.fixture
def keeper(cache: ModuleCache) -> Keeper:
    return Keeper(cache)


@pytest.fixture
def view() -> Overlay:
    v = Overlay(EmptyView())
    bank.mint(v, ALICE, "usei", 1_000_000)
    return v


@pytest.fixture(scope="session")
def cw20_code() -> bytes:
    return build_contract("cw20-base", "2.0.0").read_bytes()


@pytest.fixture(scope="session")
def cw1_code() -> bytes:
    return build_contract("cw1-whitelist", "2.0.0").read_bytes()


def upload(view: Overlay, keeper: Keeper, code: bytes) -> int:
    info, _ = store_code(view, keeper.cache, to_bech32(ALICE), code, GasMeter(10**8))
    assert info == CodeInfo(info.code_id, hashlib.sha256(code).digest(), to_bech32(ALICE))
    return info.code_id


def deploy(view: Overlay, keeper: Keeper, code: bytes, msg: bytes = b"{}", label: str = "c") -> bytes:
    code_id = upload(view, keeper, code)
    address, _, _ = keeper.instantiate(view, CTX, GasMeter(10**7), ALICE, code_id, msg, label=label, admin=to_bech32(ALICE))
    assert state.contract_info(view, address).code_id == code_id
    return address
