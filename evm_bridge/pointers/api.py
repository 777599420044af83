"""Interfaces of ``evm_bridge.pointers``: what the pointer precompile needs from the app to
register a CosmWasm pointer (the wasm module implements it)."""

from __future__ import annotations

from typing import Protocol

from evm_bridge.pointers.registry import Kind
from store.api import KVView


class PointerCodes(Protocol):
    """The CosmWasm pointer contracts' code: ``kind``'s code is stored by the chain on the
    first registration that needs it (and again when its version is newer than the stored
    one), recorded with ``registry.set_pointer_code``, and reused after that. Storing it is
    the chain's own act: no gas is charged for it."""

    def code_id(self, view: KVView, kind: Kind) -> int:
        """The code id of ``kind``'s pointer contract at its current version; raises
        ``ArtifactMissing`` when the contract is not built."""
        ...
