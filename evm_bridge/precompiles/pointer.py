"""The pointer precompile at ``0x…100B`` (interface ``Pointer.sol``): register pointers.

Anyone may register the pointer of a pointee that has none; the precompile deploys the
pointer contract (``pointers.deploy``: a CREATE by this precompile's account) and records
it in the registry at the contract's current version. ``addNativePointer`` takes a bank
denom with metadata (``usei`` always has it; tokenfactory denoms get it when created), as
on Sei, where other denoms only get a pointer through governance. CW pointers are not
built yet: those methods revert saying so.

Gas (on top of ``base.BASE_GAS``): 50,000 per registration plus the deployment's own gas.
State-changing: refused in static calls and through DELEGATECALL; not payable.
"""

from __future__ import annotations

from eth_abi import encode

from ledger import bank
from ledger.addresses import to_checksum_evm

from ..pointers import registry
from ..pointers.artifacts import NATIVE, ArtifactMissing, Artifacts
from ..pointers.deploy import deploy
from .api import PrecompileError
from .base import Call, PrecompileBase, method

ADDRESS = (0x100B).to_bytes(20, "big")


class PointerPrecompile(PrecompileBase):
    address = ADDRESS

    def __init__(self, artifacts: Artifacts | None = None) -> None:
        super().__init__()
        self.artifacts = artifacts or Artifacts()

    @method("addNativePointer(string)", ["address"], 50_000, mutates=True)
    def add_native_pointer(self, call: Call) -> tuple[str]:
        (denom,) = call.args
        if not denom:
            raise PrecompileError("invalid denom")
        if denom != bank.NATIVE_DENOM and call.native.get(bank.STORE, b"m" + denom.encode()) is None:
            raise PrecompileError(
                f"denom {denom} does not have metadata stored and thus can only have its pointer set through gov proposal"
            )
        if registry.get(call.native, registry.Kind.NATIVE, denom) is not None:
            raise PrecompileError(f"native pointer for {denom} already exists")
        try:
            artifact = self.artifacts.get(NATIVE)
        except ArtifactMissing as e:
            raise PrecompileError(str(e)) from None
        address = deploy(call.computation, artifact.creation + encode(["string"], [denom]))

        def record(view: object) -> None:
            try:
                registry.register(view, registry.Kind.NATIVE, denom, address, artifact.version)  # type: ignore[arg-type]
            except registry.PointerError as e:
                raise PrecompileError(str(e)) from None

        call.apply(record)
        return (to_checksum_evm(address),)

    def _not_built(self, call: Call, kind: str) -> tuple[str]:
        raise PrecompileError(f"{kind} pointers are not supported yet")

    @method("addCW20Pointer(string)", ["address"], 50_000, mutates=True)
    def add_cw20_pointer(self, call: Call) -> tuple[str]:
        return self._not_built(call, "CW20")

    @method("addCW721Pointer(string)", ["address"], 50_000, mutates=True)
    def add_cw721_pointer(self, call: Call) -> tuple[str]:
        return self._not_built(call, "CW721")

    @method("addCW1155Pointer(string)", ["address"], 50_000, mutates=True)
    def add_cw1155_pointer(self, call: Call) -> tuple[str]:
        return self._not_built(call, "CW1155")
