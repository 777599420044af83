"""The precompile table is a value: built-ins plus the enabled modules', the same in every
process that unpickles the task runner."""

from __future__ import annotations

import pickle

import pytest

from abci_app.application.runner import AppTaskRunner
from abci_app.modules.loader import load_modules
from abci_app.modules.wasm import module as wasm_module
from evm_bridge.precompiles.bank import ADDRESS as BANK
from evm_bridge.precompiles.registry import builtin_precompiles, precompile_table
from evm_bridge.precompiles.staking import ADDRESS as STAKING
from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from evm_bridge.vm import precompile_addresses

MODULES = ("auth", "bank", "evm", "staking", "distribution", "slashing")


def test_table_is_the_builtins_plus_the_modules_and_read_only() -> None:
    marker = object()
    table = precompile_table([{STAKING: marker}])
    assert set(table) == set(builtin_precompiles()) | {STAKING}
    assert table[STAKING] is marker
    with pytest.raises(TypeError):
        table[BANK] = marker  # type: ignore[index]
    assert STAKING not in precompile_table()  # no table leaks into another


def test_a_module_address_must_be_20_bytes() -> None:
    with pytest.raises(ValueError, match="20 bytes"):
        precompile_table([{b"\x01": object()}])


def test_runner_rebuilds_the_same_table_after_unpickling() -> None:
    runner = AppTaskRunner(MODULES, "pysei-test")
    shipped = pickle.loads(pickle.dumps(runner))
    assert shipped == runner and hash(shipped) == hash(runner)
    assert sorted(shipped.precompiles) == sorted(runner.precompiles)
    assert {a: type(p) for a, p in shipped.precompiles.items()} == {a: type(p) for a, p in runner.precompiles.items()}
    assert STAKING in runner.precompiles
    assert AppTaskRunner(("auth", "bank", "evm"), "pysei-test") != runner


def test_vm_precompile_addresses_include_the_table() -> None:
    addresses = precompile_addresses(precompile_table())
    assert BANK in addresses and STAKING not in addresses
    assert (1).to_bytes(20, "big") in addresses


WITH_WASM = ("auth", "bank", "evm", "staking", "distribution", "slashing", "wasm")


def _wasm_evm_table(modules) -> dict:
    (wasm,) = [m for m in modules if m.name == "wasm"]
    return dict(wasm.use_precompile_table.__self__.precompiles)  # the wasm module's EVM caller


def test_wasm_calls_into_the_evm_see_every_modules_precompiles() -> None:
    modules = load_modules(WITH_WASM)
    table = _wasm_evm_table(modules)
    assert table.keys() == precompile_table(m.precompiles for m in modules).keys()
    for module in modules:
        for address, impl in module.precompiles.items():
            assert table[address] is impl, (module.name, address.hex())
    assert STAKING in table and WASMD in table


def test_an_unpickled_runner_hands_its_table_to_the_wasm_module() -> None:
    shipped = pickle.loads(pickle.dumps(AppTaskRunner(WITH_WASM, "pysei-test")))
    table = shipped.precompiles
    assert STAKING in table and WASMD in table


def test_a_wasm_module_outside_a_loaded_set_refuses_to_call_the_evm() -> None:
    with pytest.raises(RuntimeError, match="no precompile table"):
        _wasm_evm_table([wasm_module()])
