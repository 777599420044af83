"""Hostile contracts fail their call cleanly (no crash, no writes) and deterministically."""

from __future__ import annotations

import json
import time

import pytest

from ledger.addresses import to_bech32
from wasm_bridge.api import OutOfGas, VmError
from wasm_bridge.gas import GasMeter

from .conftest import ALICE, CTX, deploy, wat

OK = json.dumps({"ok": {}}).encode()
LOOP = "(loop $l (br $l)) unreachable"
GROW = "(if (i32.eq (memory.grow (i32.const 60000)) (i32.const -1)) (then unreachable)) local.get $msg"
OOB_POINTER = "(drop (call $db_read (i32.const 0x7ffffff0))) local.get $msg"
OOB_OFFSET = "(drop (call $db_read (i32.const 0x700))) local.get $msg"
OOB_RESULT = "i32.const 0x700"
RECURSE = "(call $recurse (i32.const 0))"


def run(view, keeper, body: str, limit: int = 2_000_000) -> GasMeter:
    contract = deploy(view, keeper, wat(body))
    before = {k: dict(v) for k, v in view.writes().items()}
    meter = GasMeter(limit)
    with pytest.raises((VmError, OutOfGas)) as info:
        keeper.execute(view, CTX, meter, ALICE, contract, OK)
    assert {k: dict(v) for k, v in view.writes().items()} == before
    meter.error = info.value  # type: ignore[attr-defined]
    return meter


def test_infinite_loop_runs_out_of_gas_deterministically(view, keeper):
    started = time.monotonic()
    first = run(view, keeper, LOOP)
    second = run(view, keeper, LOOP)
    assert isinstance(first.error, OutOfGas) and first.used == second.used == 2_000_000
    assert str(first.error) == str(second.error)
    assert time.monotonic() - started < 20


def test_huge_memory_grow_is_refused(view, keeper):
    meter = run(view, keeper, GROW)
    assert "unreachable" in str(meter.error)


@pytest.mark.parametrize("body", [OOB_POINTER, OOB_OFFSET, OOB_RESULT])
def test_out_of_bounds_regions_fail_cleanly(view, keeper, body):
    meter = run(view, keeper, body)
    assert "out of bounds" in str(meter.error)


def test_deep_recursion_exhausts_the_stack(view, keeper):
    meter = run(view, keeper, RECURSE)
    assert "call stack exhausted" in str(meter.error)


def test_vm_keeps_working_after_hostile_calls(view, keeper):
    run(view, keeper, RECURSE)
    contract = deploy(view, keeper, wat())
    response = {"ok": {"attributes": [{"key": "fine", "value": "yes"}]}}
    events, _ = keeper.execute(view, CTX, GasMeter(10**6), ALICE, contract, json.dumps(response).encode())
    assert ("fine", "yes") in events[-1].attributes
    assert events[-1].attributes[0] == ("_contract_address", to_bech32(contract))


def test_smaller_limit_fails_at_the_same_point_every_time(view, keeper):
    contract = deploy(view, keeper, wat())
    used = []
    for _ in range(3):
        meter = GasMeter(10_000)
        with pytest.raises(OutOfGas):
            keeper.execute(view, CTX, meter, ALICE, contract, OK)
        used.append(meter.used)
    meter = GasMeter(10**6)
    keeper.execute(view, CTX, meter, ALICE, contract, OK)
    assert used == [10_000] * 3 and meter.used > 10_000
