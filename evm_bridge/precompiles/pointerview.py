"""The pointerview precompile at ``0x…100A`` (interface ``Pointerview.sol``): read the
pointer registry. Each getter returns ``(pointer, version, exists)``; a pointee without a
pointer gives ``(0x0, 0, false)``. Gas (on top of ``base.BASE_GAS``): 1,000.

``getERC20Pointer(address)`` (pysei's; Sei answers this direction with its ``Pointer``
gRPC query) returns the CW20 pointer of an ERC-20 as ``(string sei1…, version, exists)``;
``("", 0, false)`` when it has none.
"""

from __future__ import annotations

from evm_bridge.pointers import registry
from evm_bridge.precompiles.base import Call, PrecompileBase, method
from ledger.addresses import to_bech32, to_checksum_evm

ADDRESS = (0x100A).to_bytes(20, "big")
_OUT = ["address", "uint16", "bool"]


def _lookup(call: Call, kind: registry.Kind) -> tuple[str, int, bool]:
    found = registry.get(call.cosmos, kind, call.args[0])
    if found is None:
        return to_checksum_evm(bytes(20)), 0, False
    return to_checksum_evm(found.address[-20:]), found.version, True


class PointerviewPrecompile(PrecompileBase):
    address = ADDRESS

    @method("getNativePointer(string)", _OUT, 1_000)
    def get_native_pointer(self, call: Call) -> tuple[str, int, bool]:
        return _lookup(call, registry.Kind.NATIVE)

    @method("getCW20Pointer(string)", _OUT, 1_000)
    def get_cw20_pointer(self, call: Call) -> tuple[str, int, bool]:
        return _lookup(call, registry.Kind.CW20)

    @method("getCW721Pointer(string)", _OUT, 1_000)
    def get_cw721_pointer(self, call: Call) -> tuple[str, int, bool]:
        return _lookup(call, registry.Kind.CW721)

    @method("getCW1155Pointer(string)", _OUT, 1_000)
    def get_cw1155_pointer(self, call: Call) -> tuple[str, int, bool]:
        return _lookup(call, registry.Kind.CW1155)

    @method("getERC20Pointer(address)", ["string", "uint16", "bool"], 1_000)
    def get_erc20_pointer(self, call: Call) -> tuple[str, int, bool]:
        found = registry.get(call.cosmos, registry.Kind.ERC20, call.args[0].lower())
        if found is None:
            return "", 0, False
        return to_bech32(found.address), found.version, True
