"""``AppPointerCodes``: the wasm module's side of CosmWasm pointers (``evm_bridge.pointers.api.PointerCodes``).

Sei stores the cwerc20 code at genesis; pysei stores it on the first ERC-20 pointer
registration, so chains that never register one carry no extra code and keep their code
ids. The code's creator (and each pointer's admin) is the ``evm`` module account.
"""

from __future__ import annotations

from evm_bridge.pointers import registry
from evm_bridge.pointers.artifacts import CWERC20, Artifacts
from ledger.addresses import module_address, to_bech32
from store.api import KVView
from wasm_bridge.code import store_code
from wasm_bridge.gas import MAX_GAS_LIMIT, GasMeter
from wasm_bridge.keeper import Keeper

#: Pointer kind -> the CosmWasm pointer crate that implements it.
CRATES = {registry.Kind.ERC20: CWERC20}
EVM_MODULE = module_address("evm")


class AppPointerCodes:
    def __init__(self, keeper: Keeper, artifacts: Artifacts) -> None:
        self.keeper = keeper
        self.artifacts = artifacts

    def code_id(self, view: KVView, kind: registry.Kind) -> int:
        artifact = self.artifacts.wasm(CRATES[kind])
        found = registry.pointer_code(view, kind)
        if found is not None and found[0] >= artifact.version:
            return found[1]
        info, _ = store_code(view, self.keeper.cache, to_bech32(EVM_MODULE), artifact.code, GasMeter(MAX_GAS_LIMIT))
        registry.set_pointer_code(view, kind, artifact.version, info.code_id)
        return info.code_id
