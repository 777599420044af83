"""Contract lifecycle: instantiate, execute, migrate, reply, admin changes and queries.

Every top-level operation runs on an ``Overlay`` of the caller's view and is flushed only
when it succeeds, so a failed execute leaves no write behind, its submessages' included.
A contract call runs its entry point (``instance.call_export``), turns the ``Response``
into events (``execute``/``instantiate``/``migrate``/``reply`` with ``_contract_address``,
``wasm`` with the attributes, ``wasm-<type>`` for custom events) and dispatches its
submessages (``router``), each on its own overlay, calling ``reply`` as ``reply_on`` asks.
Nesting (submessages, replies, contract queries) is limited to ``frame.MAX_CALL_DEPTH``;
``router`` and ``querier`` reach the keeper back only through ``frame.Contracts``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import wasmtime

from ledger.addresses import to_bech32
from ledger.context import BlockContext
from ledger.results import Event
from store.api import KVView, ReadView
from store.overlay import Overlay
from wasm_bridge import messages, state
from wasm_bridge.api import (
    Coins,
    ContractInfo,
    EvmCaller,
    OutOfGas,
    Unauthorized,
    ValidationError,
    WasmError,
)
from wasm_bridge.cache import ModuleCache
from wasm_bridge.frame import Frame
from wasm_bridge.fuel import FuelAccount
from wasm_bridge.funds import transfer_funds
from wasm_bridge.gas import GasMeter
from wasm_bridge.host import HostEnv
from wasm_bridge.instance import call_export
from wasm_bridge.querier import Querier
from wasm_bridge.router import dispatch_submessages

MAX_LABEL = 128
T = TypeVar("T")


class Keeper:
    """The VM's entry points over a ``KVView``. Holds no chain state: only the compiled-module
    ``cache`` (shared by every call in the process that was handed this keeper) and ``evm``,
    Sei's evm bindings (``evm_bindings``; None refuses them). Implements ``frame.Contracts``."""

    def __init__(self, cache: ModuleCache, evm: EvmCaller | None = None) -> None:
        self.cache = cache
        self.evm = evm

    # ---- running entry points ----

    def _module(self, view: ReadView, code_id: int) -> wasmtime.Module:
        info = state.code_info(view, code_id)
        return self.cache.get(info.checksum, lambda: state.code_bytes(view, info.checksum))

    def run(
        self, view: KVView | ReadView, frame: Frame, contract: ContractInfo, export: str,
        args: list[bytes], readonly: bool = False,
    ) -> object:
        """Call ``export`` of ``contract``; the contract's ``ok`` value (or ``ContractError``)."""
        module = self._module(view, contract.code_id)
        env = HostEnv(view, contract.address, FuelAccount(frame.meter), Querier(self, view, frame).answer, readonly)
        raw = call_export(self.cache, module, env, export, args)
        return messages.contract_result(raw)

    def _respond(
        self, view: KVView, frame: Frame, contract: ContractInfo, action: Event, ok: object, caller: bytes = b""
    ) -> tuple[list[Event], bytes | None]:
        response = messages.parse_response(ok)
        address = to_bech32(contract.address)
        tag = (("_contract_address", address),)
        events = [action]
        if response.attributes:
            events.append(Event("wasm", tag + response.attributes))
        events.extend(Event(e.type, tag + e.attributes) for e in response.events)
        sub_events, data = dispatch_submessages(
            self, view, frame, contract, response.messages, response.data, caller
        )
        return events + sub_events, data

    # ---- operations (internal: on the given view, no overlay) ----

    def do_instantiate(
        self, view: KVView, frame: Frame, sender: bytes, code_id: int, msg: bytes, funds: Coins,
        label: str, admin: str,
    ) -> tuple[bytes, list[Event], bytes | None]:
        if not label.strip() or len(label) > MAX_LABEL:
            raise ValidationError(f"label must be 1..{MAX_LABEL} characters: invalid request")
        state.code_info(view, code_id)
        address = state.contract_address(code_id, state.next_sequence(view, state.LAST_CONTRACT_ID))
        if view.get(state.STORE, state.CONTRACT + address) is not None:
            raise WasmError(f"contract address {to_bech32(address)} already exists")
        info = ContractInfo(address, code_id, to_bech32(sender), admin, label, frame.ctx.height)
        state.put_contract(view, info)
        events = transfer_funds(view, sender, address, funds)
        text = to_bech32(address)
        args = [messages.env_json(frame.ctx, text), messages.info_json(to_bech32(sender), funds), msg]
        ok = self.run(view, frame, info, "instantiate", args)
        action = Event("instantiate", (("_contract_address", text), ("code_id", str(code_id))))
        more, data = self._respond(view, frame, info, action, ok, sender)
        return address, events + more, data

    def do_execute(
        self, view: KVView, frame: Frame, sender: bytes, contract: bytes, msg: bytes, funds: Coins
    ) -> tuple[list[Event], bytes | None]:
        info = state.contract_info(view, contract)
        events = transfer_funds(view, sender, contract, funds)
        text = to_bech32(contract)
        args = [messages.env_json(frame.ctx, text), messages.info_json(to_bech32(sender), funds), msg]
        ok = self.run(view, frame, info, "execute", args)
        more, data = self._respond(view, frame, info, Event("execute", (("_contract_address", text),)), ok, sender)
        return events + more, data

    def do_migrate(
        self, view: KVView, frame: Frame, sender: bytes, contract: bytes, new_code_id: int, msg: bytes
    ) -> tuple[list[Event], bytes | None]:
        info = state.contract_info(view, contract)
        if not info.admin or info.admin != to_bech32(sender):
            raise Unauthorized("caller is not the admin: unauthorized")
        state.code_info(view, new_code_id)
        migrated = ContractInfo(info.address, new_code_id, info.creator, info.admin, info.label, info.created_height)
        state.put_contract(view, migrated)
        text = to_bech32(contract)
        ok = self.run(view, frame, migrated, "migrate", [messages.env_json(frame.ctx, text), msg])
        action = Event("migrate", (("code_id", str(new_code_id)), ("_contract_address", text)))
        return self._respond(view, frame, migrated, action, ok, sender)

    def do_update_admin(self, view: KVView, sender: bytes, contract: bytes, new_admin: str) -> list[Event]:
        info = state.contract_info(view, contract)
        if not info.admin or info.admin != to_bech32(sender):
            raise Unauthorized("caller is not the admin: unauthorized")
        state.put_contract(
            view, ContractInfo(info.address, info.code_id, info.creator, new_admin, info.label, info.created_height)
        )
        kind = "update_contract_admin" if new_admin else "clear_contract_admin"
        attrs = (("_contract_address", to_bech32(contract)),) + ((("new_admin_address", new_admin),) if new_admin else ())
        return [Event(kind, attrs)]

    def do_reply(self, view: KVView, frame: Frame, contract: ContractInfo, reply: bytes) -> tuple[list[Event], bytes | None]:
        text = to_bech32(contract.address)
        ok = self.run(view, frame, contract, "reply", [messages.env_json(frame.ctx, text), reply])
        return self._respond(view, frame, contract, Event("reply", (("_contract_address", text),)), ok)

    # ---- public, all-or-nothing ----

    def instantiate(
        self, view: KVView, ctx: BlockContext, meter: GasMeter, sender: bytes, code_id: int, msg: bytes,
        funds: Coins = (), label: str = "contract", admin: str = "",
    ) -> tuple[bytes, list[Event], bytes | None]:
        return _atomic(view, lambda v: self.do_instantiate(v, Frame(ctx, meter), sender, code_id, msg, funds, label, admin))

    def execute(
        self, view: KVView, ctx: BlockContext, meter: GasMeter, sender: bytes, contract: bytes, msg: bytes,
        funds: Coins = (),
    ) -> tuple[list[Event], bytes | None]:
        return _atomic(view, lambda v: self.do_execute(v, Frame(ctx, meter), sender, contract, msg, funds))

    def migrate(
        self, view: KVView, ctx: BlockContext, meter: GasMeter, sender: bytes, contract: bytes, new_code_id: int,
        msg: bytes,
    ) -> tuple[list[Event], bytes | None]:
        return _atomic(view, lambda v: self.do_migrate(v, Frame(ctx, meter), sender, contract, new_code_id, msg))

    def query_smart(self, view: ReadView, ctx: BlockContext, meter: GasMeter, contract: bytes, msg: bytes) -> bytes:
        return self.smart(view, Frame(ctx, meter), contract, msg)

    def smart(self, view: ReadView, frame: Frame, contract: bytes, msg: bytes) -> bytes:
        info = state.contract_info(view, contract)
        env = messages.env_json(frame.ctx, to_bech32(contract))
        ok = self.run(Overlay(view), frame, info, "query", [env, msg], readonly=True)
        return messages.unb64(ok, "query result")


def _atomic(view: KVView, work: Callable[[KVView], T]) -> T:
    scratch = Overlay(view)
    result = work(scratch)
    scratch.flush()
    return result


__all__ = ["Keeper", "OutOfGas"]
