"""``delegate_call_evm`` in ``wasm_bridge.evm_bindings``: the message's fields reach the
``EvmCaller`` with the contract and the message's sender, the EVM gas is charged to the
Wasm meter on success and on failure, and a malformed message is refused before any call."""

from __future__ import annotations

import base64

import pytest

from ledger.context import query_context
from occ.memory import MemoryView
from wasm_bridge import evm_bindings
from wasm_bridge.api import EvmCallFailed, EvmCallOutcome, ValidationError
from wasm_bridge.frame import Frame
from wasm_bridge.gas import GasMeter

CONTRACT, SENDER, TOKEN = b"\x01" * 32, b"\x02" * 20, b"\x03" * 20


class FakeEvm:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[tuple] = []

    def delegate_call(self, view, ctx, contract, sender, to, data, gas_limit) -> EvmCallOutcome:
        self.calls.append((contract, sender, to, data, gas_limit))
        if self.fail:
            raise EvmCallFailed("execution reverted: no", 7_000)
        return EvmCallOutcome(b"\x01", 5_000)


def _run(evm: FakeEvm, args: dict) -> tuple[Frame, tuple]:
    frame = Frame(query_context(3), GasMeter(100_000))
    out = evm_bindings.delegate_call_evm(evm, MemoryView({}), frame, CONTRACT, SENDER, args)
    return frame, out


def test_the_call_is_made_for_the_sender_and_its_gas_charged() -> None:
    evm = FakeEvm()
    frame, out = _run(evm, {"to": "0x" + TOKEN.hex(), "data": base64.b64encode(b"\xaa\xbb").decode()})
    assert evm.calls == [(CONTRACT, SENDER, TOKEN, b"\xaa\xbb", 100_000)]
    assert out == ([], b"\x01", evm_bindings.DELEGATE_CALL_EVM_URL, b"\x01")
    assert frame.meter.used == 5_000


def test_a_revert_is_charged_and_raised_with_the_reason() -> None:
    frame = Frame(query_context(3), GasMeter(100_000))
    with pytest.raises(EvmCallFailed, match="^execution reverted: no$"):
        evm_bindings.delegate_call_evm(FakeEvm(fail=True), MemoryView({}), frame, CONTRACT, SENDER,
                                       {"to": "0x" + TOKEN.hex(), "data": ""})
    assert frame.meter.used == 7_000


def test_malformed_messages_and_missing_bindings_are_refused() -> None:
    evm = FakeEvm()
    with pytest.raises(ValidationError, match="invalid EVM address"):
        _run(evm, {"to": "sei1xyz", "data": ""})
    with pytest.raises(ValidationError, match="no EVM bindings"):
        evm_bindings.delegate_call_evm(None, MemoryView({}), Frame(query_context(3), GasMeter(10)), CONTRACT, SENDER,
                                       {"to": "0x" + TOKEN.hex(), "data": ""})
    assert evm.calls == []
