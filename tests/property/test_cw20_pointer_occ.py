"""Blocks mixing ERC-20 pointer moves of a CW20 (``transfer``, ``transferFrom``) with
direct Wasm transfers of the same CW20, wasmd precompile transfers, EVM value transfers
and native sends give identical results and app hashes at 1 worker and with 4 OCC worker
processes; the CW20's balances always add up to its total supply.

The two chains are built once (cw20-base stored and instantiated, its pointer registered,
each user approving the next one through the pointer) and every example appends its
blocks to both; each tx is signed once and fed to both chains.
"""

from __future__ import annotations

import json

import pytest
from eth_abi import encode
from eth_hash.auto import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evm_bridge.pointers import registry
from evm_bridge.pointers.build import ensure_built
from evm_bridge.precompiles.pointer import ADDRESS as POINTER
from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from ledger.addresses import to_bech32
from tests.support.chain import InProcessChain, make_keys
from tests.support.cw import build_contract
from tests.unit.wasm_bridge.chaintxs import WASM_MODULES, Signer, smart
from wasm_bridge.state import contract_address

N_USERS = 4
WEI = 10**12
HELD = 10**6
TOKEN = to_bech32(contract_address(1, 1))
OP = st.tuples(
    st.sampled_from(["wasm", "pointer", "pointer_from", "evm_wasm", "evm", "send"]),
    st.integers(0, N_USERS - 1), st.integers(0, N_USERS - 1), st.integers(1, 2_000),
)


def _call(sig: str, types: list[str], args: list) -> bytes:
    return keccak(sig.encode())[:4] + encode(types, args)


class Pair:
    """The serial (1 worker) and OCC (4 workers) chains, fed the same signed txs."""

    def __init__(self, folder) -> None:
        ensure_built()
        self.keys = make_keys(N_USERS, seed="cw20-pointer-occ")
        self.s = Signer(self.keys)
        self.chains = [InProcessChain(folder / f"w{w}", self.keys, workers=w, modules=WASM_MODULES) for w in (1, 4)]
        for c in self.chains:
            c.init_chain()
        cw20 = {"name": "Token", "symbol": "TOK", "decimals": 6,
                "initial_balances": [{"address": k.bech32, "amount": str(HELD)} for k in self.keys]}
        self.ok(self.block([self.s.store(0, build_contract("cw20-base", "2.0.0").read_bytes())]))
        self.ok(self.block([self.s.instantiate(0, 1, cw20)]))
        register = _call("addCW20Pointer(string)", ["string"], [TOKEN])
        self.ok(self.block([self.s.evm(0, POINTER, register, gas=3_000_000)]))
        found = registry.get(self.chains[0].db.read_view(), registry.Kind.CW20, TOKEN)
        assert found is not None
        self.pointer = found.address
        self.ok(self.block([self.s.evm(i, self.pointer, _call("approve(address,uint256)", ["address", "uint256"],
                                                              ["0x" + self.spender(i).evm.hex(), 10**9]), gas=1_000_000)
                            for i in range(N_USERS)]))

    def spender(self, owner: int):
        return self.keys[(owner + 1) % N_USERS]

    @staticmethod
    def ok(results: list) -> None:
        assert all(code == 0 for code, *_ in results), results

    def block(self, txs: list[bytes]) -> list:
        responses = [c.block(txs) for c in self.chains]
        serial, occ = ([(r.code, r.log, r.gas_used, r.data) for r in resp.tx_results] for resp in responses)
        assert occ == serial
        assert responses[1].app_hash == responses[0].app_hash
        return serial

    def tx(self, op: tuple[str, int, int, int]) -> bytes:
        kind, i, j, amount = op
        to = self.keys[j]
        transfer = {"transfer": {"recipient": to.bech32, "amount": str(amount)}}
        if kind == "wasm":
            return self.s.execute(i, TOKEN, transfer, gas=400_000)
        if kind == "pointer":
            data = _call("transfer(address,uint256)", ["address", "uint256"], ["0x" + to.evm.hex(), amount])
            return self.s.evm(i, self.pointer, data, gas=1_000_000)
        if kind == "pointer_from":  # i's spender moves i's tokens to j
            owner, spender = self.keys[i], (i + 1) % N_USERS
            data = _call("transferFrom(address,address,uint256)", ["address", "address", "uint256"],
                         ["0x" + owner.evm.hex(), "0x" + to.evm.hex(), amount])
            return self.s.evm(spender, self.pointer, data, gas=1_000_000)
        if kind == "evm_wasm":
            data = _call("execute(string,bytes,bytes)", ["string", "bytes", "bytes"],
                         [TOKEN, json.dumps(transfer).encode(), b""])
            return self.s.evm(i, WASMD, data, gas=400_000)
        if kind == "evm":
            return self.s.evm(i, to.evm, value=amount * WEI, gas=21_000)
        return self.s.send(i, to.sei, amount)

    def cw20_total(self) -> tuple[int, int]:
        """(sum of the users' balances, total supply) on the serial chain."""
        chain = self.chains[0]
        held = sum(int(smart(chain, TOKEN, {"balance": {"address": k.bech32}})["balance"]) for k in self.keys)
        return held, int(smart(chain, TOKEN, {"token_info": {}})["total_supply"])

    def close(self) -> None:
        for c in self.chains:
            c.close()


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    p = Pair(tmp_path_factory.mktemp("cw20-pointer-occ"))
    yield p
    p.close()


@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(blocks=st.lists(st.lists(OP, min_size=1, max_size=12), min_size=1, max_size=2))
def test_mixed_blocks_agree_at_1_and_4_workers(pair: Pair, blocks: list) -> None:
    for ops in blocks:
        results = pair.block([pair.tx(op) for op in ops])
        for op, (code, log, _, _) in zip(ops, results, strict=True):
            assert code == 0, (op, log)  # balances (10^6) and allowances outlast every example
        assert pair.cw20_total() == (N_USERS * HELD, N_USERS * HELD)


def test_a_block_of_every_kind_moves_the_expected_amounts(pair: Pair) -> None:
    """The oracle is not vacuous: one block of each kind between users 0 -> 1 -> 2."""
    before = [int(smart(pair.chains[0], TOKEN, {"balance": {"address": k.bech32}})["balance"]) for k in pair.keys]
    ops = [("wasm", 0, 1, 5), ("pointer", 1, 2, 7), ("pointer_from", 2, 3, 11), ("evm_wasm", 3, 0, 13)]
    pair.ok(pair.block([pair.tx(op) for op in ops]))
    after = [int(smart(pair.chains[0], TOKEN, {"balance": {"address": k.bech32}})["balance"]) for k in pair.keys]
    assert [a - b for a, b in zip(after, before, strict=True)] == [-5 + 13, 5 - 7, 7 - 11, 11 - 13]
