"""Keeps a wasmtime store's fuel and the tx's ``GasMeter`` in step during one contract call.

At ``begin`` the store gets ``meter.remaining * FUEL_PER_GAS`` fuel. Host charges burn fuel
directly. ``settle`` moves the fuel burnt so far into the meter (before a nested contract
call, which uses the meter itself), ``refill`` gives the store what is left afterwards.
"""

from __future__ import annotations

from typing import Any

import wasmtime

from wasm_bridge.api import OutOfGas
from wasm_bridge.gas import FUEL_PER_GAS, GasMeter, fuel_to_gas

_get_fuel = wasmtime.Store.get_fuel  # works on a Store or a host call's Caller
_set_fuel = wasmtime.Store.set_fuel


class FuelAccount:
    __slots__ = ("meter", "start")

    def __init__(self, meter: GasMeter) -> None:
        self.meter = meter
        self.start = 0

    def begin(self, store: Any) -> None:
        self.refill(store)

    def refill(self, store: Any) -> None:
        self.start = self.meter.remaining * FUEL_PER_GAS
        _set_fuel(store, self.start)

    def charge(self, store: Any, gas: int) -> None:
        """Burn ``gas`` worth of fuel; ``OutOfGas`` when there is not enough."""
        fuel = _get_fuel(store)
        cost = gas * FUEL_PER_GAS
        if cost > fuel:
            _set_fuel(store, 0)
            wanted = self.meter.used + fuel_to_gas(self.start - fuel) + gas
            self.meter.used = self.meter.limit
            raise OutOfGas(self.meter.limit, wanted)
        _set_fuel(store, fuel - cost)

    def settle(self, store: Any) -> None:
        """Charge the fuel burnt since ``begin``/``refill`` to the meter."""
        fuel = _get_fuel(store)
        burnt, self.start = self.start - fuel, fuel
        self.meter.charge(fuel_to_gas(burnt))

    def exhausted(self) -> OutOfGas:
        """The error for a store that trapped out of fuel."""
        wanted = self.meter.limit + 1
        self.meter.used = self.meter.limit
        return OutOfGas(self.meter.limit, wanted)
