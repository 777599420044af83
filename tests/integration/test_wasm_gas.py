"""Wasm gas on the app: a message's Wasm work shows in ``gas_used`` and is bounded by the
tx's gas limit; running out fails with OUT_OF_GAS (code 11) at the limit, leaves no trace,
and does so identically at 1 worker and with 4 OCC worker processes (same codes, logs,
gas used and app hashes)."""

from __future__ import annotations

import pytest

from abci_app.cosmos_tx.ante import GAS_PER_BYTE, SIG_GAS, TX_GAS
from ledger import codes
from ledger.addresses import to_bech32
from tests.support.chain import InProcessChain, make_keys
from tests.support.cw import build_contract
from tests.unit.wasm_bridge.chaintxs import WASM_MODULES, Signer, smart
from tests.unit.wasm_bridge.conftest import wat
from wasm_bridge.state import contract_address

pytestmark = pytest.mark.integration
LOOP = "(loop $l (br $l)) unreachable"


def _scenario(keys) -> list[list[bytes]]:
    """Blocks of signed txs: store + instantiate, then transfers with ample, short and
    hopeless gas, a contract error, an infinite loop, and a code upload short of gas."""
    s = Signer(keys)
    cw20 = build_contract("cw20-base", "2.0.0").read_bytes()
    alice, bob = keys[0].bech32, keys[1].bech32
    init = {"name": "Token", "symbol": "TOK", "decimals": 6,
            "initial_balances": [{"address": alice, "amount": "1000"}, {"address": bob, "amount": "1000"}]}
    # code 1 cw20, code 2 the loop; contracts: 1 cw20, 2 loop (addresses from the ids)
    setup = [[s.store(0, cw20), s.store(1, wat(LOOP), gas=2_000_000)],
             [s.instantiate(0, 1, init), s.instantiate(1, 2, {})]]
    token, looper = _address(1, 1), _address(2, 2)

    def transfer(i: int, to: str, amount: int, gas: int) -> bytes:
        return s.execute(i, token, {"transfer": {"recipient": to, "amount": str(amount)}}, gas=gas)

    work = [
        [transfer(0, bob, 5, 1_000_000), transfer(1, alice, 7, 60_000), transfer(0, bob, 1, 1_000_000),
         transfer(1, alice, 10**9, 1_000_000), s.execute(2, looper, {}, gas=3_000_000),
         s.store(2, cw20, gas=4_500_000), s.send(2, keys[0].sei, 10)],
        [transfer(1, alice, 3, 1_000_000), transfer(0, bob, 2, 40_000), s.execute(2, looper, {}, gas=500_000)],
    ]
    return setup + work


def _address(code_id: int, instance: int) -> str:
    return to_bech32(contract_address(code_id, instance))


def _run(folder, keys, blocks, workers: int) -> tuple[list, list, dict]:
    with InProcessChain(folder, keys, workers=workers, modules=WASM_MODULES) as chain:
        hashes = [chain.init_chain()]
        results = []
        for txs in blocks:
            resp = chain.block(txs)
            hashes.append(resp.app_hash)
            results.append([(r.code, r.log, r.gas_used, r.gas_wanted) for r in resp.tx_results])
        balances = {k.bech32: smart(chain, _address(1, 1), {"balance": {"address": k.bech32}})["balance"]
                    for k in keys}
    return hashes, results, balances


def test_out_of_gas_is_identical_at_1_and_4_workers(tmp_path) -> None:
    keys = make_keys(3, seed="wasm-gas")
    blocks = _scenario(keys)
    runs = {w: _run(tmp_path / f"w{w}", keys, blocks, w) for w in (1, 4)}
    assert runs[1] == runs[4]
    hashes, results, balances = runs[1]
    assert all(code == 0 for code, *_ in results[0] + results[1]), results[:2]
    ok, short, ok2, error, loop, store, send = results[2]
    static = TX_GAS + SIG_GAS + 30_000  # plus GAS_PER_BYTE per tx byte
    # Wasm work is charged: well above the static charge of a ~200-byte tx
    assert ok[0] == 0 and ok[2] > static + 250 * GAS_PER_BYTE + 10_000
    assert ok2[0] == 0 and abs(ok2[2] - ok[2]) < 100  # the same transfer costs (about) the same
    for failed in (short, loop, store):
        assert failed[0] == codes.OUT_OF_GAS, failed
        assert "out of gas" in failed[1] and failed[2] == failed[3]  # the whole limit is used
    assert error[0] == 5 and "Cannot Sub" in error[1] and static < error[2] < error[3]
    assert send[0] == 0
    again, short2, loop2 = results[3]
    assert again[0] == 0 and short2[0] == codes.OUT_OF_GAS and loop2[0] == codes.OUT_OF_GAS
    # only the three successful transfers moved tokens
    assert balances[keys[0].bech32] == str(1000 - 5 - 1 + 3) and balances[keys[1].bech32] == str(1000 + 6 - 3)
