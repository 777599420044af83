"""A contract's ``BankMsg::Send`` to the direct cast of a linked EVM address is refused, as
every bank send is (``ledger.association``); to an unlinked cast it lands there."""

from __future__ import annotations

import base64
import json

import pytest

from ledger import accounts, bank
from ledger.addresses import to_bech32
from wasm_bridge.api import ValidationError
from wasm_bridge.gas import GasMeter

from .conftest import ALICE, CTX, deploy, wat

CAST = b"\x0c" * 20  # an EVM address, read as a Sei address
OWNER = b"\x0d" * 20  # the Sei account it is linked to


def send(to: bytes, amount: int) -> dict:
    msg = {"bank": {"send": {"to_address": to_bech32(to), "amount": [{"denom": "usei", "amount": str(amount)}]}}}
    return {"id": 1, "msg": msg, "reply_on": "never", "gas_limit": None,
            "payload": base64.b64encode(b'"p"').decode()}


@pytest.fixture
def echo(view, keeper) -> bytes:
    contract = deploy(view, keeper, wat())
    bank.mint(view, contract, "usei", 100)
    return contract


def run(view, keeper, contract: bytes, to: bytes, amount: int):
    response = json.dumps({"ok": {"messages": [send(to, amount)]}}).encode()
    return keeper.execute(view, CTX, GasMeter(10**7), ALICE, contract, response)


def test_send_to_a_linked_cast_is_refused(view, keeper, echo) -> None:
    accounts.associate(view, OWNER, CAST)
    with pytest.raises(ValidationError, match=f"{to_bech32(CAST)} is the cast address of an associated account"):
        run(view, keeper, echo, CAST, 5)
    assert bank.balance(view, CAST) == 0 and bank.balance(view, echo) == 100


def test_send_to_an_unlinked_cast_lands_there(view, keeper, echo) -> None:
    run(view, keeper, echo, CAST, 5)
    assert bank.balance(view, CAST) == 5 and bank.balance(view, echo) == 95
