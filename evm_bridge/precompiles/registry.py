"""Address -> precompile: the table one chain's EVM runs with, built as a value and handed to
whoever executes (``evm_bridge.execute.run``) or simulates (the JSON-RPC backend).

bank, json, addr, pointer and pointerview need only ``ledger`` (and the built pointer
contracts) and are always present; modules add theirs through ``Module.precompiles`` (the
app's ``staking`` module adds the staking precompile, ``distribution`` the distribution one,
``wasm`` the wasmd one and a pointer precompile that can also deploy CW20 pointers). The table depends only on the enabled
modules, in their order, so it is the same in every process of every validator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from evm_bridge.precompiles.addr import AddrPrecompile
from evm_bridge.precompiles.api import Precompile
from evm_bridge.precompiles.bank import BankPrecompile
from evm_bridge.precompiles.json import JsonPrecompile
from evm_bridge.precompiles.pointer import PointerPrecompile
from evm_bridge.precompiles.pointerview import PointerviewPrecompile

#: pysei's precompiles by 20-byte address (read-only); py-evm's own are added per fork by ``vm``.
PrecompileTable = Mapping[bytes, Precompile]


def builtin_precompiles() -> dict[bytes, Precompile]:
    """The precompiles every chain has, whatever its modules."""
    builtins = (BankPrecompile(), JsonPrecompile(), AddrPrecompile(), PointerPrecompile(), PointerviewPrecompile())
    return {p.address: p for p in builtins}


def precompile_table(module_precompiles: Iterable[Mapping[bytes, Precompile]] = ()) -> PrecompileTable:
    """The built-in precompiles, then each module's in order (a module may replace a built-in)."""
    table = builtin_precompiles()
    for precompiles in module_precompiles:
        for address, impl in precompiles.items():
            if len(address) != 20:
                raise ValueError(f"precompile address must be 20 bytes, got {address.hex()}")
            table[address] = impl
    return MappingProxyType(table)
