"""``AppWasmBackend``: the wasm module's keeper behind the wasmd precompile's ``WasmBackend``.

Each call runs on the precompile's view with a Wasm ``GasMeter`` of the call's gas limit
(capped at ``wasm_bridge.gas.MAX_GAS_LIMIT``); errors read as the native message's would
(``wasm_errors``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from abci_app.modules.wasm_errors import CODE_EXECUTE, CODE_INSTANTIATE, CODE_QUERY, failure, query_failure
from evm_bridge.precompiles.api import CosmosCallFailed, WasmCall, WasmOutcome
from ledger.addresses import AddressError, from_bech32, to_bech32
from ledger.context import BlockContext, query_context
from store.api import KVView, ReadView
from untrusted import json_text
from wasm_bridge import api as wasm_api
from wasm_bridge.gas import MAX_GAS_LIMIT, GasMeter
from wasm_bridge.keeper import Keeper

T = TypeVar("T")


def _context(call: WasmCall) -> BlockContext:
    return query_context(call.height, call.time_ns, from_evm=True)


def _address(text: str, what: str) -> bytes:
    try:
        return from_bech32(text)
    except AddressError as e:
        raise CosmosCallFailed(f"invalid {what} address {text!r}: {e}", 0) from None


def _json(raw: bytes) -> None:
    try:
        json_text.loads(raw)
    except ValueError:
        raise CosmosCallFailed("msg must be valid JSON: invalid", 0) from None


def _metered(call: WasmCall, code: int, work: Callable[[GasMeter], T]) -> tuple[T, int]:
    meter = GasMeter(min(call.gas_limit, MAX_GAS_LIMIT))
    try:
        return work(meter), meter.used
    except wasm_api.OutOfGas as e:
        raise CosmosCallFailed(str(e), meter.limit, out_of_gas=True) from None
    except wasm_api.WasmError as e:
        err = failure(e, code) if code != CODE_QUERY else query_failure(e)
        raise CosmosCallFailed(err.log, meter.used) from None


class AppWasmBackend:
    """The precompile's ``WasmBackend`` on ``keeper`` (the wasm module's, built by its
    factory in every process); holds no state of its own."""

    def __init__(self, keeper: Keeper) -> None:
        self.keeper = keeper

    def instantiate(
        self, view: KVView, call: WasmCall, code_id: int, admin: str, msg: bytes, label: str
    ) -> WasmOutcome:
        if admin:
            _address(admin, "admin")
        _json(msg)
        (address, _, data), used = _metered(
            call, CODE_INSTANTIATE,
            lambda gas: self.keeper.instantiate(
                view, _context(call), gas, call.sender, code_id, msg, call.funds, label, admin
            ),
        )
        return WasmOutcome(data or b"", used, to_bech32(address))

    def execute(self, view: KVView, call: WasmCall, contract: str, msg: bytes) -> WasmOutcome:
        target = _address(contract, "contract")
        _json(msg)
        (_, data), used = _metered(
            call, CODE_EXECUTE,
            lambda gas: self.keeper.execute(view, _context(call), gas, call.sender, target, msg, call.funds),
        )
        return WasmOutcome(data or b"", used)

    def query(self, view: ReadView, call: WasmCall, contract: str, req: bytes) -> WasmOutcome:
        target = _address(contract, "contract")
        data, used = _metered(
            call, CODE_QUERY, lambda gas: self.keeper.query_smart(view, _context(call), gas, target, req)
        )
        return WasmOutcome(data, used)
