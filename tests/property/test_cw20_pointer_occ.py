"""Blocks mixing ERC-20 pointer moves of a CW20 (``transfer``, ``transferFrom``) with
direct Wasm transfers of the same CW20, wasmd precompile transfers, EVM value transfers
and native sends give identical results and app hashes at 1 worker and with 4 OCC worker
processes (``tests.support.wasm_occ``); the CW20's balances always add up to its total
supply.

The two chains are built once (cw20-base stored and instantiated, its pointer registered,
each user approving the next one through the pointer) and every example appends its
blocks to both; each tx is signed once and fed to both chains.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evm_bridge.pointers import registry
from evm_bridge.pointers.build import ensure_built
from evm_bridge.precompiles.pointer import ADDRESS as POINTER
from ledger.addresses import to_bech32
from tests.support.cw import build_contract
from tests.support.wasm_occ import N_USERS, Op, Pair, abi_call, assert_oracle_catches, cw20_init
from tests.unit.wasm_bridge.chaintxs import smart
from wasm_bridge.state import contract_address

HELD = 10**6
TOKEN = to_bech32(contract_address(1, 1))
OP = st.tuples(
    st.sampled_from(["wasm", "pointer", "pointer_from", "evm_wasm", "evm", "send"]),
    st.integers(0, N_USERS - 1), st.integers(0, N_USERS - 1), st.integers(1, 2_000),
)


class PointerPair:
    """The chain pair with the CW20 and its ERC-20 pointer; user ``i`` approved ``i + 1``."""

    def __init__(self, pair: Pair) -> None:
        self.pair = pair
        found = registry.get(pair.chains[0].db.read_view(), registry.Kind.CW20, TOKEN)
        assert found is not None
        self.pointer = found.address

    def tx(self, op: Op) -> bytes:
        kind, i, j, amount = op
        keys, s = self.pair.keys, self.pair.s
        to = keys[j]
        if kind == "pointer":
            data = abi_call("transfer(address,uint256)", ["address", "uint256"], ["0x" + to.evm.hex(), amount])
            return s.evm(i, self.pointer, data, gas=1_000_000)
        if kind == "pointer_from":  # i's spender moves i's tokens to j
            owner, spender = keys[i], (i + 1) % N_USERS
            data = abi_call("transferFrom(address,address,uint256)", ["address", "address", "uint256"],
                            ["0x" + owner.evm.hex(), "0x" + to.evm.hex(), amount])
            return s.evm(spender, self.pointer, data, gas=1_000_000)
        return self.pair.transfer(op, TOKEN)

    def balances(self) -> list[int]:
        """Each user's CW20 balance on the serial chain."""
        chain = self.pair.chains[0]
        return [int(smart(chain, TOKEN, {"balance": {"address": k.bech32}})["balance"]) for k in self.pair.keys]

    def total_supply(self) -> int:
        return int(smart(self.pair.chains[0], TOKEN, {"token_info": {}})["total_supply"])


@pytest.fixture(scope="module")
def pp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PointerPair]:
    ensure_built()
    p = Pair(Path(tmp_path_factory.mktemp("cw20-pointer-occ")), seed="cw20-pointer-occ")
    p.ok(p.block([p.s.store(0, build_contract("cw20-base", "2.0.0").read_bytes())]))
    p.ok(p.block([p.s.instantiate(0, 1, cw20_init(p.keys, HELD))]))
    p.ok(p.block([p.s.evm(0, POINTER, abi_call("addCW20Pointer(string)", ["string"], [TOKEN]), gas=3_000_000)]))
    pointer_pair = PointerPair(p)
    approve = [abi_call("approve(address,uint256)", ["address", "uint256"], ["0x" + p.keys[(i + 1) % N_USERS].evm.hex(), 10**9])
               for i in range(N_USERS)]
    p.ok(p.block([p.s.evm(i, pointer_pair.pointer, approve[i], gas=1_000_000) for i in range(N_USERS)]))
    yield pointer_pair
    p.close()


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(blocks=st.lists(st.lists(OP, min_size=1, max_size=12), min_size=1, max_size=2))
def test_mixed_blocks_agree_at_1_and_4_workers(pp: PointerPair, blocks: list[list[Op]]) -> None:
    for ops in blocks:
        results = pp.pair.block([pp.tx(op) for op in ops])
        for op, (code, log, _, _) in zip(ops, results, strict=True):
            assert code == 0, (op, log)  # balances (10^6) and allowances outlast every example
        assert (sum(pp.balances()), pp.total_supply()) == (N_USERS * HELD, N_USERS * HELD)


def test_a_block_of_every_kind_moves_the_expected_amounts(pp: PointerPair) -> None:
    """The oracle is not vacuous: one block of each kind between users 0 -> 1 -> 2."""
    before = pp.balances()
    ops = [("wasm", 0, 1, 5), ("pointer", 1, 2, 7), ("pointer_from", 2, 3, 11), ("evm_wasm", 3, 0, 13)]
    pp.pair.ok(pp.pair.block([pp.tx(op) for op in ops]))
    after = pp.balances()
    assert [a - b for a, b in zip(after, before, strict=True)] == [-5 + 13, 5 - 7, 7 - 11, 11 - 13]


def test_the_oracle_catches_a_divergent_occ_result(pp: PointerPair) -> None:
    """The comparison is not vacuous: any changed result or app hash of the OCC chain fails it."""
    ops = [("pointer", 0, 1, 3), ("pointer_from", 1, 2, 5), ("wasm", 2, 3, 7)]
    assert_oracle_catches(pp.pair, [pp.tx(op) for op in ops])
