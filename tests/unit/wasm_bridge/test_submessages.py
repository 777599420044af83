"""Submessages and replies with the echo contract (its execute returns the Response the test wants)."""

from __future__ import annotations

import base64
import json

import pytest

from ledger import bank
from ledger.addresses import to_bech32
from wasm_bridge import state
from wasm_bridge.api import ContractError, ValidationError
from wasm_bridge.frame import Frame
from wasm_bridge.gas import GasMeter

from .conftest import ALICE, BOB, CTX, deploy, wat


def b64json(obj: object) -> str:
    return base64.b64encode(json.dumps(obj).encode()).decode()


def sub(msg: dict, reply_on: str = "never", gas_limit: int | None = None, id_: int = 1) -> dict:
    return {"id": id_, "msg": msg, "reply_on": reply_on, "gas_limit": gas_limit, "payload": b64json("p")}


def send(to: bytes, amount: int) -> dict:
    return {"bank": {"send": {"to_address": to_bech32(to), "amount": [{"denom": "usei", "amount": str(amount)}]}}}


def run(view, keeper, contract: bytes, response: dict, meter: GasMeter | None = None):
    return keeper.execute(view, CTX, meter or GasMeter(10**7), ALICE, contract, json.dumps({"ok": response}).encode())


def stored_reply(view, contract: bytes) -> dict:
    return json.loads(view.get(state.STORE, state.state_prefix(contract) + b"reply"))


@pytest.fixture
def echo(view, keeper) -> bytes:
    contract = deploy(view, keeper, wat())
    bank.mint(view, contract, "usei", 100)
    return contract


def test_bank_send_and_data(view, keeper, echo):
    events, data = run(view, keeper, echo, {"messages": [sub(send(BOB, 40))], "data": b64json("d")})
    assert bank.balance(view, BOB) == 40 and bank.balance(view, echo) == 60
    assert any(e.type == "transfer" for e in events) and json.loads(data) == "d"


def test_failure_without_reply_reverts_everything(view, keeper, echo):
    with pytest.raises(ValidationError, match="insufficient funds"):
        run(view, keeper, echo, {"messages": [sub(send(BOB, 40)), sub(send(BOB, 500))]})
    assert bank.balance(view, BOB) == 0 and bank.balance(view, echo) == 100


def test_reply_on_error_gets_the_error_and_the_failed_writes_are_dropped(view, keeper, echo):
    run(view, keeper, echo, {"messages": [sub(send(BOB, 40), "error", id_=5), sub(send(BOB, 500), "error", id_=6)]})
    assert bank.balance(view, BOB) == 40
    reply = stored_reply(view, echo)
    assert reply["id"] == 6 and "insufficient funds" in reply["result"]["error"]
    assert json.loads(base64.b64decode(reply["payload"])) == "p"


def test_reply_on_success_sees_events_and_data(view, keeper, echo):
    other = deploy(view, keeper, wat(), label="other")
    inner = {"ok": {"attributes": [{"key": "inner", "value": "1"}], "data": b64json("hi")}}
    msg = {"wasm": {"execute": {"contract_addr": to_bech32(other), "msg": b64json(inner), "funds": []}}}
    events, _ = run(view, keeper, echo, {"messages": [sub(msg, "success")]})
    ok = stored_reply(view, echo)["result"]["ok"]
    assert any(e["type"] == "wasm" and {"key": "inner", "value": "1"} in e["attributes"] for e in ok["events"])
    assert ok["msg_responses"][0]["type_url"] == "/cosmwasm.wasm.v1.MsgExecuteContractResponse"
    assert [e.type for e in events][-1] == "reply"


def test_contract_error_in_submessage_propagates(view, keeper, echo):
    other = deploy(view, keeper, wat(), label="other")
    msg = {"wasm": {"execute": {"contract_addr": to_bech32(other), "msg": b64json({"error": "nope"}), "funds": []}}}
    with pytest.raises(ContractError, match="nope"):
        run(view, keeper, echo, {"messages": [sub(msg)]})
    run(view, keeper, echo, {"messages": [sub(msg, "always")]})
    assert stored_reply(view, echo)["result"] == {"error": "nope"}


def test_submessage_gas_limit_out_of_gas_is_caught(view, keeper, echo):
    looper = deploy(view, keeper, wat("(loop $l (br $l)) unreachable"), label="loop")
    msg = {"wasm": {"execute": {"contract_addr": to_bech32(looper), "msg": b64json({}), "funds": []}}}
    meter = GasMeter(10**6)
    run(view, keeper, echo, {"messages": [sub(msg, "error", gas_limit=50_000)]}, meter)
    reply = stored_reply(view, echo)
    assert "out of gas" in reply["result"]["error"] and reply["gas_used"] == 50_000
    assert 50_000 < meter.used < 10**6


def test_echo_query_answers_an_empty_object(view, keeper, echo):
    """The fixture's own query result is whole JSON (its region length counts the closing brace)."""
    frame = Frame(CTX, GasMeter(10**7))
    assert keeper.smart(view, frame, echo, b"{}") == b"{}"
