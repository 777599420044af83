"""eth_createAccessList as geth does it: run the call recording every account and slot it
touches (its warm set as it grows, reverted frames included), rerun with that list until
it no longer changes, and report the last run's real gas.

The sender, the recipient (or the created contract), the coinbase and the precompiles
are warm anyway: as in geth, they are listed only for the storage slots touched.
"""

from __future__ import annotations

from typing import Any

from eth._utils.address import generate_contract_address

from eth_rpc.errors import server_error
from eth_rpc.simulation import Simulation
from evm_bridge.account_db import ViewAccountDB, read_nonce
from evm_bridge.api import AccessList, CallResult
from evm_bridge.call import call_result
from evm_bridge.execute import Instrument
from evm_bridge.vm import precompile_addresses

#: Reruns before giving up on a list that keeps growing (geth loops without a bound).
MAX_ROUNDS = 16


class RecordingAccountDB(ViewAccountDB):
    """An account DB that also notes, unjournaled, every address and slot marked warm."""

    touched: dict[bytes, set[int]]

    def mark_address_warm(self, address: bytes) -> None:
        self.touched.setdefault(bytes(address), set())
        super().mark_address_warm(address)

    def mark_storage_warm(self, address: bytes, slot: int) -> None:
        self.touched.setdefault(bytes(address), set()).add(slot)
        super().mark_storage_warm(address, slot)


def recorder(touched: dict[bytes, set[int]]) -> Instrument:
    """An instrument whose runs record into ``touched``."""

    def instrument(cls: type[Any]) -> type[Any]:
        db = type("RecordingAccountDB", (RecordingAccountDB,), {"touched": touched})
        return type("RecordingState", (cls,), {"account_db_class": db})

    return instrument


def _as_list(touched: dict[bytes, set[int]], exclude: frozenset[bytes]) -> AccessList:
    return tuple((a, tuple(sorted(s))) for a, s in sorted(touched.items()) if s or a not in exclude)


def create_access_list(sim: Simulation) -> tuple[AccessList, CallResult]:
    """The stable access list of ``sim``'s call and the result of running with it."""
    msg = sim.msg
    to = msg.to if msg.to is not None else generate_contract_address(msg.sender, read_nonce(sim.view, msg.sender))
    exclude = frozenset({msg.sender, to, bytes(sim.context.coinbase)}) | precompile_addresses(sim.precompiles)
    current = _as_list({a: set(s) for a, s in msg.access_list}, exclude)
    for _ in range(MAX_ROUNDS):
        touched: dict[bytes, set[int]] = {a: set(s) for a, s in current}
        result = call_result(sim.run(access_list=current, instrument=recorder(touched)))
        if not result.valid:
            raise server_error(result.error)
        found = _as_list(touched, exclude)
        if found == current:
            return current, result
        current = found
    raise server_error("access list did not settle")
