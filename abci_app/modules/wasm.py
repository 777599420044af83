"""The ``wasm`` module: CosmWasm contracts through ``wasm_bridge``.

Messages (wasmd type URLs): ``MsgStoreCode``, ``MsgInstantiateContract``,
``MsgExecuteContract``, ``MsgMigrateContract``, ``MsgUpdateAdmin``, ``MsgClearAdmin``.
Queries: ``/cosmwasm.wasm.v1.Query/SmartContractState``, ``RawContractState``, ``Code``,
``ContractInfo``. State lives in the ``wasm`` store (layout in ``wasm_bridge.state``).

The factory ``module()`` builds one ``Keeper`` with its own compiled-module cache
(``wasm_bridge.cache.ModuleCache``) and the EVM bindings (``wasm_evm.AppEvmCaller``), and
hands it to the message and smart-query handlers (``Handlers``) and to the wasmd and
pointer precompiles (``wasm_precompile.AppWasmBackend``, in ``Module.precompiles``; the
pointer precompile also gets ``wasm_pointers.AppPointerCodes``, which stores the CW20
pointer code of ERC-20s on first use). A
contract is compiled once per ``module()`` call, so once per process where the app loads
its modules once per process. Error codes and logs: ``wasm_errors``; amino JSON:
``wasm_amino``.

Gas: the handlers are ``metered``: each message's Wasm work (``wasm_bridge.gas``: fuel,
host calls, storage, compilation) runs under what the tx's gas limit leaves (capped at
``wasm_bridge.gas.MAX_GAS_LIMIT``) and is charged to the tx's ``GasMeter`` on top of the
handler's flat ``gas``, also when the message fails; running out fails the tx with
``OUT_OF_GAS`` (code 11) at its gas limit. Queries run with
``wasm_bridge.gas.DEFAULT_QUERY_GAS`` and an ``env.block`` of the queried height with time
0. EVM contracts reach the same keeper through the wasmd precompile.

Genesis::

    {"codes": [{"code_id": 1, "creator": "sei1..", "code": "<base64 wasm>"}],
     "contracts": [{"address": "sei1..", "code_id": 1, "creator": "..", "admin": "..",
                    "label": "..", "created": 5,
                    "state": [{"key": "<base64>", "value": "<base64>"}]}],
     "sequences": {"lastCodeId": 1, "lastContractId": 1}}
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from abci_app.cosmos_tx import coins as coin_codec
from abci_app.module_api import GasMeter as TxGasMeter
from abci_app.module_api import Module, MsgError, MsgHandler
from abci_app.modules.wasm_amino import converter as amino_converter
from abci_app.modules.wasm_errors import (
    CODE_CREATE,
    CODE_EXECUTE,
    CODE_INSTANTIATE,
    CODE_INVALID,
    CODE_MIGRATE,
    CODESPACE,
    failure,
    query_failure,
)
from abci_app.modules.wasm_evm import AppEvmCaller
from abci_app.modules.wasm_pointers import AppPointerCodes
from abci_app.modules.wasm_precompile import AppWasmBackend
from evm_bridge.pointers.artifacts import Artifacts
from evm_bridge.pointers.synthetic import cw20_transfer_events
from evm_bridge.precompiles.pointer import ADDRESS as POINTER
from evm_bridge.precompiles.pointer import PointerPrecompile
from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from evm_bridge.precompiles.wasmd import WasmdPrecompile
from ledger import codes
from ledger.addresses import AddressError, from_bech32, to_bech32
from ledger.context import BlockContext, query_context
from ledger.results import Event
from pysei_pb.cosmwasm.wasm.v1 import query_pb2, tx_pb2, types_pb2
from store.api import KVView, ReadView
from untrusted import json_text
from wasm_bridge import api as wasm_api
from wasm_bridge import state
from wasm_bridge.cache import ModuleCache
from wasm_bridge.code import store_code
from wasm_bridge.gas import DEFAULT_QUERY_GAS, MAX_GAS_LIMIT, GasMeter
from wasm_bridge.keeper import Keeper

PREFIX = "/cosmwasm.wasm.v1."
QUERY = PREFIX + "Query/"

T = TypeVar("T")


def _addr(text: str, what: str) -> bytes:
    try:
        return from_bech32(text)
    except AddressError as e:
        raise MsgError(codes.INVALID_ADDRESS, f"invalid {what} address: {e}: invalid address") from None


def _metered(meter: TxGasMeter, code: int, work: Callable[[GasMeter], T]) -> T:
    """Run ``work`` on a Wasm meter holding what the tx has left; charge the tx what it used
    (out of Wasm gas is out of tx gas)."""
    wasm_meter = GasMeter(min(meter.remaining, MAX_GAS_LIMIT))
    try:
        result = work(wasm_meter)
    except wasm_api.OutOfGas as e:
        meter.consume(max(e.used, meter.remaining + 1), "wasm contract")
        raise  # unreachable: the line above raised
    except wasm_api.WasmError as e:
        meter.consume(wasm_meter.used, "wasm contract")
        raise failure(e, code) from None
    meter.consume(wasm_meter.used, "wasm contract")
    return result


def _coins(pb: Any) -> wasm_api.Coins:
    return coin_codec.from_proto(pb, allow_empty=True)


def _json_msg(raw: bytes) -> None:
    try:
        json_text.loads(raw)
    except ValueError:
        raise MsgError(CODE_INVALID, "msg must be valid JSON: invalid", CODESPACE) from None


# ---- validation (stateless) ----


def _validate_store(msg: tx_pb2.MsgStoreCode) -> None:
    _addr(msg.sender, "sender")
    if not msg.wasm_byte_code:
        raise MsgError(CODE_CREATE, "empty wasm code: create wasm contract failed", CODESPACE)


def _validate_instantiate(msg: tx_pb2.MsgInstantiateContract) -> None:
    _addr(msg.sender, "sender")
    if msg.admin:
        _addr(msg.admin, "admin")
    if not msg.code_id:
        raise MsgError(CODE_INVALID, "code id is required: invalid", CODESPACE)
    _json_msg(msg.msg)
    _coins(msg.funds)


def _validate_execute(msg: tx_pb2.MsgExecuteContract) -> None:
    _addr(msg.sender, "sender")
    _addr(msg.contract, "contract")
    _json_msg(msg.msg)
    _coins(msg.funds)


def _validate_migrate(msg: tx_pb2.MsgMigrateContract) -> None:
    _addr(msg.sender, "sender")
    _addr(msg.contract, "contract")
    _json_msg(msg.msg)


def _validate_admin(msg: Any) -> None:
    _addr(msg.sender, "sender")
    _addr(msg.contract, "contract")
    if getattr(msg, "new_admin", None) is not None:
        _addr(msg.new_admin, "new admin")


# ---- messages and smart queries (on the keeper) ----


class Handlers:
    """The message handlers' ``execute`` and the smart query, on the module's keeper."""

    def __init__(self, keeper: Keeper) -> None:
        self.keeper = keeper

    def store(
        self, msg: tx_pb2.MsgStoreCode, ctx: BlockContext, view: KVView, meter: TxGasMeter
    ) -> tuple[Sequence[Event], bytes]:
        info, events = _metered(
            meter, CODE_CREATE, lambda gas: store_code(view, self.keeper.cache, msg.sender, msg.wasm_byte_code, gas)
        )
        return events, tx_pb2.MsgStoreCodeResponse(code_id=info.code_id, checksum=info.checksum).SerializeToString()

    def instantiate(
        self, msg: tx_pb2.MsgInstantiateContract, ctx: BlockContext, view: KVView, meter: TxGasMeter
    ) -> tuple[Sequence[Event], bytes]:
        address, events, data = _metered(
            meter, CODE_INSTANTIATE,
            lambda gas: self.keeper.instantiate(
                view, ctx, gas, from_bech32(msg.sender), msg.code_id, msg.msg, _coins(msg.funds), msg.label, msg.admin
            ),
        )
        resp = tx_pb2.MsgInstantiateContractResponse(address=to_bech32(address), data=data or b"")
        return events, resp.SerializeToString()

    def execute(
        self, msg: tx_pb2.MsgExecuteContract, ctx: BlockContext, view: KVView, meter: TxGasMeter
    ) -> tuple[Sequence[Event], bytes]:
        events, data = _metered(
            meter, CODE_EXECUTE,
            lambda gas: self.keeper.execute(
                view, ctx, gas, from_bech32(msg.sender), from_bech32(msg.contract), msg.msg, _coins(msg.funds)
            ),
        )
        events = [*events, *cw20_transfer_events(view, events)]
        return events, tx_pb2.MsgExecuteContractResponse(data=data or b"").SerializeToString()

    def migrate(
        self, msg: tx_pb2.MsgMigrateContract, ctx: BlockContext, view: KVView, meter: TxGasMeter
    ) -> tuple[Sequence[Event], bytes]:
        events, data = _metered(
            meter, CODE_MIGRATE,
            lambda gas: self.keeper.migrate(
                view, ctx, gas, from_bech32(msg.sender), from_bech32(msg.contract), msg.code_id, msg.msg
            ),
        )
        return events, tx_pb2.MsgMigrateContractResponse(data=data or b"").SerializeToString()

    def update_admin(self, msg: Any, ctx: BlockContext, view: KVView) -> tuple[Sequence[Event], bytes]:
        new_admin = getattr(msg, "new_admin", "")
        try:
            events = self.keeper.do_update_admin(view, from_bech32(msg.sender), from_bech32(msg.contract), new_admin)
        except wasm_api.WasmError as e:
            raise failure(e, CODE_MIGRATE) from None
        return events, b""

    def smart(self, data: bytes, view: ReadView, height: int) -> bytes:
        req = _request(query_pb2.QuerySmartContractStateRequest, data)
        contract = _addr(req.address, "contract")
        try:
            out = self.keeper.query_smart(
                view, query_context(height), GasMeter(DEFAULT_QUERY_GAS), contract, req.query_data
            )
        except wasm_api.WasmError as e:
            raise _query_failure(e) from None
        return query_pb2.QuerySmartContractStateResponse(data=out).SerializeToString()


# ---- queries (on the state alone) ----


def _request(cls: Any, data: bytes) -> Any:
    try:
        return cls.FromString(data)
    except Exception as e:  # protobuf DecodeError
        raise MsgError(codes.INVALID_REQUEST, f"invalid request: {e}") from None


def _query_failure(e: wasm_api.WasmError) -> MsgError:
    if isinstance(e, wasm_api.NotFound):
        return MsgError(codes.NOT_FOUND, f"rpc error: code = NotFound desc = {e}")
    return query_failure(e)


def _raw(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(query_pb2.QueryRawContractStateRequest, data)
    try:
        value = state.raw_state(view, _addr(req.address, "contract"), req.query_data)
    except wasm_api.WasmError as e:
        raise _query_failure(e) from None
    return query_pb2.QueryRawContractStateResponse(data=value or b"").SerializeToString()


def _code(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(query_pb2.QueryCodeRequest, data)
    try:
        info = state.code_info(view, req.code_id)
        code = state.code_bytes(view, info.checksum)
    except wasm_api.WasmError as e:
        raise _query_failure(e) from None
    everybody = types_pb2.AccessConfig(permission=types_pb2.ACCESS_TYPE_EVERYBODY)
    meta = query_pb2.CodeInfoResponse(
        code_id=info.code_id, creator=info.creator, data_hash=info.checksum, instantiate_permission=everybody
    )
    return query_pb2.QueryCodeResponse(code_info=meta, data=code).SerializeToString()


def _contract_info(data: bytes, view: ReadView, height: int) -> bytes:
    req = _request(query_pb2.QueryContractInfoRequest, data)
    try:
        info = state.contract_info(view, _addr(req.address, "contract"))
    except wasm_api.WasmError as e:
        raise _query_failure(e) from None
    pb = types_pb2.ContractInfo(
        code_id=info.code_id, creator=info.creator, admin=info.admin, label=info.label,
        created=types_pb2.AbsoluteTxPosition(block_height=info.created_height),
    )
    return query_pb2.QueryContractInfoResponse(address=req.address, contract_info=pb).SerializeToString()


# ---- genesis ----


def _init_genesis(view: KVView, genesis: Mapping[str, Any]) -> None:
    for entry in genesis.get("codes", []):
        code = base64.b64decode(entry["code"])
        info = wasm_api.CodeInfo(int(entry["code_id"]), hashlib.sha256(code).digest(), entry["creator"])
        state.put_code(view, info, code)
    for entry in genesis.get("contracts", []):
        address = from_bech32(entry["address"])
        state.put_contract(
            view,
            wasm_api.ContractInfo(
                address, int(entry["code_id"]), entry["creator"], entry.get("admin", ""), entry["label"],
                int(entry.get("created", 0)),
            ),
        )
        for kv in entry.get("state", []):
            view.set(state.STORE, state.state_prefix(address) + base64.b64decode(kv["key"]), base64.b64decode(kv["value"]))
    seqs = genesis.get("sequences", {})
    for name, key in (("lastCodeId", state.LAST_CODE_ID), ("lastContractId", state.LAST_CONTRACT_ID)):
        if name in seqs:
            view.set(state.STORE, key, int(seqs[name]).to_bytes(8, "big"))


def _export_genesis(view: ReadView) -> Mapping[str, Any]:
    codes_out = [
        {"code_id": c.code_id, "creator": c.creator,
         "code": base64.b64encode(state.code_bytes(view, c.checksum)).decode()}
        for c in state.iterate_codes(view)
    ]
    contracts = []
    for c in state.iterate_contracts(view):
        kvs = [
            {"key": base64.b64encode(k).decode(), "value": base64.b64encode(v).decode()}
            for k, v in state.iterate_state(view, c.address)
        ]
        contracts.append(
            {"address": to_bech32(c.address), "code_id": c.code_id, "creator": c.creator, "admin": c.admin,
             "label": c.label, "created": c.created_height, "state": kvs}
        )
    seqs = {
        "lastCodeId": state.sequence(view, state.LAST_CODE_ID),
        "lastContractId": state.sequence(view, state.LAST_CONTRACT_ID),
    }
    return {"codes": codes_out, "contracts": contracts, "sequences": seqs}


def module() -> Module:
    """The ``wasm`` module (entry point ``pysei.modules: wasm``) around a keeper of its own."""
    evm = AppEvmCaller()
    keeper = Keeper(ModuleCache(), evm=evm)
    run, backend, artifacts = Handlers(keeper), AppWasmBackend(keeper), Artifacts()

    def handler(name: str, cls: Any, validate: Any, execute: Any, gas: int, metered: bool = True) -> MsgHandler:
        return MsgHandler(
            type_url=PREFIX + name, decode=cls.FromString, signers=lambda m: (from_bech32(m.sender),),
            validate=validate, execute=execute, gas=gas, metered=metered, amino=amino_converter(name),
        )

    handlers = [
        handler("MsgStoreCode", tx_pb2.MsgStoreCode, _validate_store, run.store, 100_000),
        handler("MsgInstantiateContract", tx_pb2.MsgInstantiateContract, _validate_instantiate, run.instantiate, 50_000),
        handler("MsgExecuteContract", tx_pb2.MsgExecuteContract, _validate_execute, run.execute, 30_000),
        handler("MsgMigrateContract", tx_pb2.MsgMigrateContract, _validate_migrate, run.migrate, 50_000),
        handler("MsgUpdateAdmin", tx_pb2.MsgUpdateAdmin, _validate_admin, run.update_admin, 10_000, False),
        handler("MsgClearAdmin", tx_pb2.MsgClearAdmin, _validate_admin, run.update_admin, 10_000, False),
    ]
    return Module(
        name="wasm",
        store_names=(state.STORE,),
        messages={h.type_url: h for h in handlers},
        queries={
            QUERY + "SmartContractState": run.smart,
            QUERY + "RawContractState": _raw,
            QUERY + "Code": _code,
            QUERY + "ContractInfo": _contract_info,
        },
        init_genesis=_init_genesis,
        export_genesis=_export_genesis,
        precompiles={
            WASMD: WasmdPrecompile(backend),
            POINTER: PointerPrecompile(artifacts, wasm=backend, codes=AppPointerCodes(keeper, artifacts)),
        },
        use_precompile_table=evm.use,
    )
