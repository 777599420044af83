"""The pointer precompile at ``0x…100B`` (interface ``Pointer.sol``): register pointers.

Anyone may register the pointer of a pointee that has none; the precompile deploys the
pointer contract (``pointers.deploy``: a CREATE by this precompile's account) and records
it in the registry at the contract's current version. ``addNativePointer`` takes a bank
denom with metadata (``usei`` always has it; tokenfactory denoms get it when created), as
on Sei, where other denoms only get a pointer through governance. ``addCW20Pointer`` takes a
CW20 contract (its ``token_info`` gives the pointer's name and symbol; the wasm module
installs this precompile with its Wasm VM); CW721 and CW1155 pointers are not built yet:
those methods revert saying so.

``addERC20Pointer(address)`` (pysei's; Sei registers this direction with a native
``MsgRegisterPointer``) gives an ERC-20 its CW20 pointer: an instance of the cwerc20 code
(stored by the chain on first use, ``pointers.api.PointerCodes``), instantiated by the
``evm`` module account (also its admin) with ``{"erc20_address": "0x…"}`` and label
``Pointer of 0x…``; it returns the pointer's ``sei1…`` address. The ERC-20 must be a
contract and not itself a pointer.

Gas (on top of ``base.BASE_GAS``): 50,000 per registration plus the deployment's own gas
(the instantiation's Wasm gas for a CosmWasm pointer).
State-changing: refused in static calls and through DELEGATECALL; not payable.
"""

from __future__ import annotations

import json
from typing import Any

from eth.exceptions import OutOfGas
from eth_abi import encode

from evm_bridge.pointers import registry
from evm_bridge.pointers.api import PointerCodes
from evm_bridge.pointers.artifacts import CW20, NATIVE, ArtifactMissing, Artifacts
from evm_bridge.pointers.deploy import deploy
from evm_bridge.precompiles.api import CosmosCallFailed, PrecompileError, WasmBackend, WasmCall
from evm_bridge.precompiles.base import Call, PrecompileBase, method
from ledger import bank
from ledger.accounts import sei_for_evm
from ledger.addresses import AddressError, from_bech32, module_address, to_bech32, to_checksum_evm
from untrusted import json_text

ADDRESS = (0x100B).to_bytes(20, "big")


class PointerPrecompile(PrecompileBase):
    address = ADDRESS

    def __init__(
        self, artifacts: Artifacts | None = None, wasm: WasmBackend | None = None, codes: PointerCodes | None = None
    ) -> None:
        super().__init__()
        self.artifacts = artifacts or Artifacts()
        self.wasm = wasm
        self.codes = codes

    @method("addNativePointer(string)", ["address"], 50_000, mutates=True)
    def add_native_pointer(self, call: Call) -> tuple[str]:
        (denom,) = call.args
        if not denom:
            raise PrecompileError("invalid denom")
        if denom != bank.NATIVE_DENOM and call.cosmos.get(bank.STORE, b"m" + denom.encode()) is None:
            raise PrecompileError(
                f"denom {denom} does not have metadata stored and thus can only have its pointer set through gov proposal"
            )
        if registry.get(call.cosmos, registry.Kind.NATIVE, denom) is not None:
            raise PrecompileError(f"native pointer for {denom} already exists")
        return self._deploy(call, registry.Kind.NATIVE, denom, NATIVE, encode(["string"], [denom]))

    def _deploy(self, call: Call, kind: registry.Kind, pointee: str, contract: str, args: bytes) -> tuple[str]:
        """Deploy ``contract`` with constructor ``args`` and register it for ``pointee``."""
        try:
            artifact = self.artifacts.get(contract)
        except ArtifactMissing as e:
            raise PrecompileError(str(e)) from None
        address = deploy(call.computation, artifact.creation + args)

        def record(view: object) -> None:
            try:
                registry.register(view, kind, pointee, address, artifact.version)  # type: ignore[arg-type]
            except registry.PointerError as e:
                raise PrecompileError(str(e)) from None

        call.apply(record)
        return (to_checksum_evm(address),)

    def _not_built(self, call: Call, kind: str) -> tuple[str]:
        raise PrecompileError(f"{kind} pointers are not supported yet")

    def _token_info(self, call: Call, contract: str) -> tuple[str, str]:
        """``name`` and ``symbol`` of a CW20 (its ``token_info`` query, gas charged)."""
        if self.wasm is None:
            raise PrecompileError("CW20 pointers need the wasm module")
        try:
            from_bech32(contract)
        except AddressError as e:
            raise PrecompileError(f"invalid contract address {contract!r}: {e}") from None
        ctx = call.computation.state.execution_context
        sender = sei_for_evm(call.cosmos, call.sender)
        wasm_call = WasmCall(sender, int(ctx.block_number), call.time_ns, call.computation.get_gas_remaining())
        try:
            out = self.wasm.query(call.cosmos, wasm_call, contract, b'{"token_info":{}}')
        except CosmosCallFailed as e:
            call.computation.consume_gas(e.gas_used, reason="cw20 token_info")
            raise PrecompileError(f"{contract} is not a CW20: {e}") from None
        call.computation.consume_gas(out.gas_used, reason="cw20 token_info")
        try:
            info = json_text.loads(out.data)
            return str(info["name"]), str(info["symbol"])
        except (ValueError, TypeError, KeyError) as e:
            raise PrecompileError(f"{contract} is not a CW20: token_info without name and symbol: {e}") from None

    @method("addCW20Pointer(string)", ["address"], 50_000, mutates=True)
    def add_cw20_pointer(self, call: Call) -> tuple[str]:
        (contract,) = call.args
        if registry.get(call.cosmos, registry.Kind.CW20, contract) is not None:
            raise PrecompileError(f"cw20 pointer for {contract} already exists")
        name, symbol = self._token_info(call, contract)
        return self._deploy(call, registry.Kind.CW20, contract, CW20, encode(["string"] * 3, [contract, name, symbol]))

    @method("addCW721Pointer(string)", ["address"], 50_000, mutates=True)
    def add_cw721_pointer(self, call: Call) -> tuple[str]:
        return self._not_built(call, "CW721")

    @method("addCW1155Pointer(string)", ["address"], 50_000, mutates=True)
    def add_cw1155_pointer(self, call: Call) -> tuple[str]:
        return self._not_built(call, "CW1155")

    @method("addERC20Pointer(address)", ["string"], 50_000, mutates=True)
    def add_erc20_pointer(self, call: Call) -> tuple[str]:
        (token,) = call.args
        pointee = token.lower()
        raw = bytes.fromhex(pointee[2:])
        if registry.get(call.cosmos, registry.Kind.ERC20, pointee) is not None:
            raise PrecompileError(f"erc20 pointer for {pointee} already exists")
        if registry.pointee_of(call.cosmos, raw) is not None:
            raise PrecompileError(f"{pointee} is a pointer itself")
        if not call.computation.state.get_code(raw):
            raise PrecompileError(f"{pointee} is not a contract")
        if self.wasm is None or self.codes is None:
            raise PrecompileError("ERC-20 pointers need the wasm module")
        wasm, codes = self.wasm, self.codes
        module = module_address("evm")
        ctx = call.computation.state.execution_context
        wasm_call = WasmCall(module, int(ctx.block_number), call.time_ns, call.computation.get_gas_remaining())
        msg = json.dumps({"erc20_address": pointee}, separators=(",", ":")).encode()

        def work(view: Any) -> tuple[str, int]:
            try:
                code_id = codes.code_id(view, registry.Kind.ERC20)
            except ArtifactMissing as e:
                raise PrecompileError(str(e)) from None
            out = wasm.instantiate(view, wasm_call, code_id, to_bech32(module), msg, f"Pointer of {pointee}")
            version = registry.pointer_code(view, registry.Kind.ERC20)
            try:
                registry.register(view, registry.Kind.ERC20, pointee, from_bech32(out.contract), version[0] if version else 0)
            except registry.PointerError as e:
                raise PrecompileError(str(e)) from None
            return out.contract, out.gas_used

        try:
            contract, used = call.apply(work)
        except CosmosCallFailed as e:
            if e.out_of_gas:
                raise OutOfGas(f"wasm contract: {e}") from None
            call.computation.consume_gas(e.gas_used, reason="cw20 pointer instantiation")
            raise PrecompileError(str(e)) from None
        call.computation.consume_gas(used, reason="cw20 pointer instantiation")
        return (contract,)
