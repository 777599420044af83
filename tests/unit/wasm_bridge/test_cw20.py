"""cw20-base (and cw1-whitelist) end to end in-process, through the ``wasm`` module's handlers."""

from __future__ import annotations

import base64
import json

import pytest

from abci_app.module_api import GasMeter, Module, MsgError
from abci_app.modules import wasm, wasm_errors
from ledger import codes
from ledger.addresses import to_bech32
from pysei_pb.cosmwasm.wasm.v1 import query_pb2, tx_pb2
from store.overlay import EmptyView, Overlay

from .conftest import ALICE, BOB, CAROL, CTX, wat

A, B, C = to_bech32(ALICE), to_bech32(BOB), to_bech32(CAROL)


@pytest.fixture(scope="module")
def mod() -> Module:
    return wasm.module()


def handle(mod: Module, view, name: str, msg) -> tuple:
    handler = mod.messages[wasm.PREFIX + name]
    decoded = handler.decode(msg.SerializeToString())
    handler.validate(decoded)
    scratch = Overlay(view)
    args = (GasMeter(50_000_000),) if handler.metered else ()
    events, data = handler.execute(decoded, CTX, scratch, *args)
    scratch.flush()
    return events, data


def store(mod: Module, view, code: bytes) -> int:
    _, data = handle(mod, view, "MsgStoreCode", tx_pb2.MsgStoreCode(sender=A, wasm_byte_code=code))
    return tx_pb2.MsgStoreCodeResponse.FromString(data).code_id


def instantiate(mod: Module, view, code_id: int, msg: dict, label: str = "token") -> str:
    pb = tx_pb2.MsgInstantiateContract(sender=A, admin=A, code_id=code_id, label=label, msg=json.dumps(msg).encode())
    _, data = handle(mod, view, "MsgInstantiateContract", pb)
    return tx_pb2.MsgInstantiateContractResponse.FromString(data).address


def execute(mod: Module, view, contract: str, msg: dict, sender: str = A) -> tuple:
    pb = tx_pb2.MsgExecuteContract(sender=sender, contract=contract, msg=json.dumps(msg).encode())
    return handle(mod, view, "MsgExecuteContract", pb)


def smart(mod: Module, view, contract: str, msg: dict) -> dict:
    req = query_pb2.QuerySmartContractStateRequest(address=contract, query_data=json.dumps(msg).encode())
    out = mod.queries[wasm.QUERY + "SmartContractState"](req.SerializeToString(), view, CTX.height)
    return json.loads(query_pb2.QuerySmartContractStateResponse.FromString(out).data)


def balance(mod: Module, view, token: str, who: str) -> int:
    return int(smart(mod, view, token, {"balance": {"address": who}})["balance"])


@pytest.fixture
def token(mod, view, cw20_code) -> str:
    code_id = store(mod, view, cw20_code)
    init = {"name": "Token", "symbol": "TOK", "decimals": 6,
            "initial_balances": [{"address": A, "amount": "1000"}, {"address": B, "amount": "50"}]}
    return instantiate(mod, view, code_id, init)


def test_instantiate_address_is_wasmd_classic(token):
    # wasmd's first contract (code 1, instance 1) has this well-known data part.
    assert token.startswith("sei14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s")


def test_transfer_and_queries(mod, view, token):
    events, _ = execute(mod, view, token, {"transfer": {"recipient": C, "amount": "10"}})
    wasm_event = next(e for e in events if e.type == "wasm")
    assert wasm_event.attributes[0] == ("_contract_address", token)
    assert ("action", "transfer") in wasm_event.attributes
    assert (balance(mod, view, token, A), balance(mod, view, token, C)) == (990, 10)
    assert smart(mod, view, token, {"token_info": {}})["total_supply"] == "1050"
    raw = query_pb2.QueryRawContractStateRequest(address=token, query_data=b"token_info")
    out = mod.queries[wasm.QUERY + "RawContractState"](raw.SerializeToString(), view, 7)
    assert json.loads(query_pb2.QueryRawContractStateResponse.FromString(out).data)["symbol"] == "TOK"
    info = mod.queries[wasm.QUERY + "ContractInfo"](query_pb2.QueryContractInfoRequest(address=token).SerializeToString(), view, 7)
    assert query_pb2.QueryContractInfoResponse.FromString(info).contract_info.code_id == 1


def test_send_calls_the_receiver(mod, view, token):
    receiver = instantiate(mod, view, store(mod, view, wat()), {}, "receiver")
    inner = base64.b64encode(b'{"hello":1}').decode()
    events, _ = execute(mod, view, token, {"send": {"contract": receiver, "amount": "7", "msg": inner}})
    assert [e.type for e in events].count("execute") == 2  # the token, then the receiver
    assert balance(mod, view, token, receiver) == 7


def test_failing_execute_returns_contract_error_and_leaves_no_trace(mod, view, token):
    before = {k: dict(v) for k, v in view.writes().items()}
    with pytest.raises(MsgError) as info:
        execute(mod, view, token, {"transfer": {"recipient": C, "amount": "5000"}})
    assert info.value.code == wasm_errors.CODE_EXECUTE and info.value.codespace == "wasm"
    assert "Cannot Sub" in info.value.log
    assert {k: dict(v) for k, v in view.writes().items()} == before


def test_cw1_whitelist_proxies_a_transfer_and_reverts_it_all(mod, view, token, cw1_code):
    proxy = instantiate(mod, view, store(mod, view, cw1_code), {"admins": [A], "mutable": False}, "proxy")
    execute(mod, view, token, {"transfer": {"recipient": proxy, "amount": "100"}})
    transfer = {"transfer": {"recipient": C, "amount": "30"}}
    wasm_msg = {"wasm": {"execute": {"contract_addr": token, "msg": base64.b64encode(json.dumps(transfer).encode()).decode(), "funds": []}}}
    execute(mod, view, proxy, {"execute": {"msgs": [wasm_msg]}})
    assert (balance(mod, view, token, proxy), balance(mod, view, token, C)) == (70, 30)
    too_much = dict(wasm_msg)
    big = {"transfer": {"recipient": C, "amount": "999"}}
    too_much = {"wasm": {"execute": {"contract_addr": token, "msg": base64.b64encode(json.dumps(big).encode()).decode(), "funds": []}}}
    with pytest.raises(MsgError, match="Cannot Sub"):
        execute(mod, view, proxy, {"execute": {"msgs": [wasm_msg, too_much]}})
    assert (balance(mod, view, token, proxy), balance(mod, view, token, C)) == (70, 30)
    with pytest.raises(MsgError, match="Unauthorized"):
        execute(mod, view, proxy, {"execute": {"msgs": [wasm_msg]}}, sender=B)


def test_invalid_code_and_missing_contract(mod, view):
    with pytest.raises(MsgError) as info:
        store(mod, view, b"\x00asm\x01\x00\x00\x00")
    assert "exactly one memory" in info.value.log
    with pytest.raises(MsgError) as info:
        execute(mod, view, to_bech32(b"\x05" * 32), {"x": {}})
    assert info.value.code == wasm_errors.CODE_NOT_FOUND
    req = query_pb2.QuerySmartContractStateRequest(address=to_bech32(b"\x05" * 32), query_data=b"{}")
    with pytest.raises(MsgError) as info:
        mod.queries[wasm.QUERY + "SmartContractState"](req.SerializeToString(), view, 7)
    assert info.value.code == codes.NOT_FOUND


def test_genesis_round_trip(mod, view, token):
    execute(mod, view, token, {"transfer": {"recipient": C, "amount": "1"}})
    exported = mod.export_genesis(view)
    fresh = Overlay(EmptyView())
    mod.init_genesis(fresh, json.loads(json.dumps(exported)))
    assert fresh.writes()["wasm"] == {k: v for k, v in view.writes()["wasm"].items() if v is not None}
    assert balance(mod, fresh, token, C) == 1
