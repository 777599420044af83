"""Blocks mixing Wasm messages (cw20 transfers, some short of gas), wasmd precompile calls
from EVM txs (cw20 transfers, queries, cw1-whitelist paying usei from ``msg.value`` by
``BankMsg::Send``), EVM transfers and native sends give identical results and app hashes
at 1 worker and with 4 OCC worker processes.

The two chains are built once (cw20 and cw1 stored and instantiated) and every example
appends its blocks to both; each tx is signed once and fed to both chains.
"""

from __future__ import annotations

import json

import pytest
from eth_abi import encode
from eth_utils import function_signature_to_4byte_selector as selector
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from ledger.addresses import to_bech32
from tests.support.chain import InProcessChain, make_keys
from tests.support.cw import build_contract
from tests.unit.wasm_bridge.chaintxs import WASM_MODULES, Signer
from wasm_bridge.state import contract_address

N_USERS = 4
WEI = 10**12
TOKEN, CW1 = to_bech32(contract_address(1, 1)), to_bech32(contract_address(2, 2))
OP = st.tuples(
    st.sampled_from(["wasm", "wasm_short", "evm_wasm", "evm_query", "evm_cw1", "evm", "send"]),
    st.integers(0, N_USERS - 1), st.integers(0, N_USERS - 1), st.integers(1, 2_000),
)


def _execute(contract: str, msg: dict, coins: bytes = b"") -> bytes:
    return selector("execute(string,bytes,bytes)") + encode(
        ["string", "bytes", "bytes"], [contract, json.dumps(msg).encode(), coins]
    )


class Pair:
    """The serial (1 worker) and OCC (4 workers) chains, fed the same signed txs."""

    def __init__(self, folder) -> None:
        self.keys = make_keys(N_USERS, seed="wasm-occ")
        self.s = Signer(self.keys)
        self.chains = [InProcessChain(folder / f"w{w}", self.keys, workers=w, modules=WASM_MODULES) for w in (1, 4)]
        for c in self.chains:
            c.init_chain()
        users = [k.bech32 for k in self.keys]
        cw20 = {"name": "Token", "symbol": "TOK", "decimals": 6,
                "initial_balances": [{"address": u, "amount": "1000000"} for u in users]}
        setup = [
            [self.s.store(0, build_contract("cw20-base", "2.0.0").read_bytes()),
             self.s.store(1, build_contract("cw1-whitelist", "2.0.0").read_bytes())],
            [self.s.instantiate(0, 1, cw20), self.s.instantiate(1, 2, {"admins": users, "mutable": False})],
        ]
        for txs in setup:
            assert all(code == 0 for code, *_ in self.block(txs))

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
        if kind == "wasm_short":
            return self.s.execute(i, TOKEN, transfer, gas=62_000)
        if kind == "evm_wasm":
            return self.s.evm(i, WASMD, _execute(TOKEN, transfer), gas=400_000)
        if kind == "evm_query":
            req = json.dumps({"balance": {"address": to.bech32}}).encode()
            data = selector("query(string,bytes)") + encode(["string", "bytes"], [TOKEN, req])
            return self.s.evm(i, WASMD, data, gas=300_000)
        if kind == "evm_cw1":
            send = {"bank": {"send": {"to_address": to.bech32, "amount": [{"denom": "usei", "amount": str(amount)}]}}}
            coins = json.dumps([{"denom": "usei", "amount": str(amount)}]).encode()
            return self.s.evm(i, WASMD, _execute(CW1, {"execute": {"msgs": [send]}}, coins), value=amount * WEI,
                              gas=500_000)
        if kind == "evm":
            return self.s.evm(i, to.evm, value=amount * WEI, gas=21_000)
        return self.s.send(i, to.sei, amount)

    def close(self) -> None:
        for c in self.chains:
            c.close()


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    p = Pair(tmp_path_factory.mktemp("wasm-occ"))
    yield p
    p.close()


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(blocks=st.lists(st.lists(OP, min_size=1, max_size=12), min_size=1, max_size=2))
def test_mixed_blocks_agree_at_1_and_4_workers(pair: Pair, blocks: list) -> None:
    for ops in blocks:
        results = pair.block([pair.tx(op) for op in ops])
        for op, (code, log, _, _) in zip(ops, results, strict=True):
            if op[0] == "wasm_short":
                assert code == 11 and "out of gas" in log
            else:  # cw20 balances (10^6 each) outlast every example's transfers
                assert code == 0, (op, log)
