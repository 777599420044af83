"""Metered native messages: the tx ``GasMeter``, the wasm module charging its Wasm gas, and
Simulate estimating it (so a cosmjs fee estimate covers the contract's work)."""

from __future__ import annotations

import pytest

from abci_app.module_api import GasMeter, MsgError
from ledger import codes
from pysei_pb.cosmos.tx.v1beta1 import service_pb2
from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import InProcessChain, make_keys
from tests.support.cw import build_contract

from .chaintxs import WASM_MODULES, Signer, event_attr


def test_gas_meter_stops_at_the_limit() -> None:
    meter = GasMeter(100, used=60)
    meter.consume(30, "x")
    assert (meter.used, meter.remaining) == (90, 10)
    with pytest.raises(MsgError) as e:
        meter.consume(11, "wasm contract")
    assert e.value.code == codes.OUT_OF_GAS and "gasWanted: 100, gasUsed: 101" in e.value.log
    assert meter.used == 100 and meter.remaining == 0


def test_simulate_covers_the_wasm_gas(tmp_path) -> None:
    keys = make_keys(2, seed="simulate")
    s = Signer(keys)
    with InProcessChain(tmp_path, keys, modules=WASM_MODULES) as chain:
        chain.init_chain()
        (stored,) = chain.block([s.store(0, build_contract("cw20-base", "2.0.0").read_bytes())]).tx_results
        init = {"name": "Token", "symbol": "TOK", "decimals": 6,
                "initial_balances": [{"address": keys[0].bech32, "amount": "50"}]}
        (made,) = chain.block([s.instantiate(0, int(event_attr(stored, "store_code", "code_id")), init)]).tx_results
        token = event_attr(made, "instantiate", "_contract_address")
        raw = s.execute(0, token, {"transfer": {"recipient": keys[1].bech32, "amount": "5"}})
        req = service_pb2.SimulateRequest(tx_bytes=raw).SerializeToString()
        res = chain.app.query(abci.RequestQuery(path="/cosmos.tx.v1beta1.Service/Simulate", data=req))
        assert res.code == 0, res.log
        estimate = service_pb2.SimulateResponse.FromString(res.value).gas_info.gas_used
        (done,) = chain.block([raw]).tx_results
        assert done.code == 0, done.log
        # the estimate charges a signature's bytes again; the contract's gas is in both
        assert done.gas_used <= estimate <= done.gas_used + 2_000
        assert done.gas_used > 70_000  # static ~55k + the contract's Wasm gas
