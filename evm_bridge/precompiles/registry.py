"""Address -> precompile. bank, json, addr, pointer and pointerview need only ``ledger`` (and
the built pointer contracts) and are always present;
modules add theirs (the app's ``staking`` module adds the staking precompile, ``wasm`` the
wasmd one) through ``install``, which ``abci_app.application.runner`` calls in every process before
executing txs.

The VM asks ``with_module_precompiles(standard)`` for the table of a computation: py-evm's own
precompiles of the fork plus these. Installing is idempotent and must be the same in every
process of every validator (it depends only on the enabled modules), so execution stays
deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evm_bridge.precompiles.addr import AddrPrecompile
from evm_bridge.precompiles.bank import BankPrecompile
from evm_bridge.precompiles.json import JsonPrecompile
from evm_bridge.precompiles.pointer import PointerPrecompile
from evm_bridge.precompiles.pointerview import PointerviewPrecompile

_BUILTIN: dict[bytes, Any] = {
    p.address: p
    for p in (BankPrecompile(), JsonPrecompile(), AddrPrecompile(), PointerPrecompile(), PointerviewPrecompile())
}
_installed: dict[bytes, Any] = dict(_BUILTIN)
_merged: dict[int, tuple[Mapping[Any, Any], dict[Any, Any]]] = {}


def install(precompiles: Mapping[bytes, Any]) -> None:
    """Add (or replace) precompiles by 20-byte address."""
    for address, impl in precompiles.items():
        if len(address) != 20:
            raise ValueError(f"precompile address must be 20 bytes, got {address.hex()}")
        _installed[address] = impl
    _merged.clear()


def installed() -> dict[bytes, Any]:
    return dict(_installed)


def reset() -> None:
    """Back to the built-in precompiles only (tests)."""
    _installed.clear()
    _installed.update(_BUILTIN)
    _merged.clear()


def with_module_precompiles(standard: Mapping[Any, Any]) -> dict[Any, Any]:
    """``standard`` (py-evm's table) plus the installed precompiles; cached per table."""
    hit = _merged.get(id(standard))
    if hit is not None and hit[0] is standard:
        return hit[1]
    table = {**standard, **_installed}
    _merged[id(standard)] = (standard, table)
    return table
