"""Blocks mixing Wasm messages (cw20 transfers, some short of gas), wasmd precompile calls
from EVM txs (cw20 transfers, queries, cw1-whitelist paying usei from ``msg.value`` by
``BankMsg::Send``), EVM transfers and native sends give identical results and app hashes
at 1 worker and with 4 OCC worker processes (``tests.support.wasm_occ``).

The two chains are built once (cw20 and cw1 stored and instantiated) and every example
appends its blocks to both; each tx is signed once and fed to both chains.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from ledger.addresses import to_bech32
from tests.support.cw import build_contract
from tests.support.wasm_occ import (
    N_USERS,
    WEI,
    Op,
    Pair,
    abi_call,
    assert_oracle_catches,
    cw20_init,
    wasmd_execute,
)
from wasm_bridge.state import contract_address

TOKEN, CW1 = to_bech32(contract_address(1, 1)), to_bech32(contract_address(2, 2))
OP = st.tuples(
    st.sampled_from(["wasm", "wasm_short", "evm_wasm", "evm_query", "evm_cw1", "evm", "send"]),
    st.integers(0, N_USERS - 1), st.integers(0, N_USERS - 1), st.integers(1, 2_000),
)


def tx(pair: Pair, op: Op) -> bytes:
    kind, i, j, amount = op
    to = pair.keys[j]
    if kind == "wasm_short":
        return pair.s.execute(i, TOKEN, {"transfer": {"recipient": to.bech32, "amount": str(amount)}}, gas=62_000)
    if kind == "evm_query":
        req = json.dumps({"balance": {"address": to.bech32}}).encode()
        return pair.s.evm(i, WASMD, abi_call("query(string,bytes)", ["string", "bytes"], [TOKEN, req]), gas=300_000)
    if kind == "evm_cw1":
        send = {"bank": {"send": {"to_address": to.bech32, "amount": [{"denom": "usei", "amount": str(amount)}]}}}
        coins = json.dumps([{"denom": "usei", "amount": str(amount)}]).encode()
        data = wasmd_execute(CW1, {"execute": {"msgs": [send]}}, coins)
        return pair.s.evm(i, WASMD, data, value=amount * WEI, gas=500_000)
    return pair.transfer(op, TOKEN)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    p = Pair(Path(tmp_path_factory.mktemp("wasm-occ")), seed="wasm-occ")
    users = [k.bech32 for k in p.keys]
    p.ok(p.block([p.s.store(0, build_contract("cw20-base", "2.0.0").read_bytes()),
                  p.s.store(1, build_contract("cw1-whitelist", "2.0.0").read_bytes())]))
    p.ok(p.block([p.s.instantiate(0, 1, cw20_init(p.keys, 1_000_000)),
                  p.s.instantiate(1, 2, {"admins": users, "mutable": False})]))
    yield p
    p.close()


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(blocks=st.lists(st.lists(OP, min_size=1, max_size=12), min_size=1, max_size=2))
def test_mixed_blocks_agree_at_1_and_4_workers(pair: Pair, blocks: list[list[Op]]) -> None:
    for ops in blocks:
        results = pair.block([tx(pair, op) for op in ops])
        for op, (code, log, _, _) in zip(ops, results, strict=True):
            if op[0] == "wasm_short":
                assert code == 11 and "out of gas" in log
            else:  # cw20 balances (10^6 each) outlast every example's transfers
                assert code == 0, (op, log)


def test_the_oracle_catches_a_divergent_occ_result(pair: Pair) -> None:
    """The comparison is not vacuous: any changed result or app hash of the OCC chain fails it."""
    ops = [("wasm", 0, 1, 3), ("evm_cw1", 1, 2, 5), ("wasm_short", 2, 3, 7), ("evm_wasm", 3, 0, 11)]
    assert_oracle_catches(pair, [tx(pair, op) for op in ops])
