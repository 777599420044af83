"""Nested calls: the ``Frame`` every call of one operation shares, and ``Contracts``, the
part of the keeper a submessage (``router``) or a contract query (``querier``) reaches.

``Contracts`` is a protocol so that ``router`` and ``querier`` depend on it and the keeper
depends on them, never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ledger.context import BlockContext
from ledger.results import Event
from store.api import KVView, ReadView
from wasm_bridge.api import Coins, ContractInfo, EvmCaller, VmError
from wasm_bridge.gas import GasMeter

MAX_CALL_DEPTH = 10


@dataclass
class Frame:
    """What every call of one operation shares: the block, the gas meter, the call depth."""

    ctx: BlockContext
    meter: GasMeter
    depth: int = 0

    def deeper(self, meter: GasMeter | None = None) -> Frame:
        """The frame one call level down (``meter``: a submessage's own); ``VmError`` past
        ``MAX_CALL_DEPTH``."""
        if self.depth + 1 > MAX_CALL_DEPTH:
            raise VmError(f"maximum call depth {MAX_CALL_DEPTH} exceeded")
        return Frame(self.ctx, meter or self.meter, self.depth + 1)


class Contracts(Protocol):
    """The keeper's operations on the given view (no overlay of their own), as nested calls
    use them. ``evm`` is Sei's ``evm`` bindings' caller; None refuses them."""

    @property
    def evm(self) -> EvmCaller | None: ...

    def do_instantiate(
        self, view: KVView, frame: Frame, sender: bytes, code_id: int, msg: bytes, funds: Coins,
        label: str, admin: str,
    ) -> tuple[bytes, list[Event], bytes | None]: ...

    def do_execute(
        self, view: KVView, frame: Frame, sender: bytes, contract: bytes, msg: bytes, funds: Coins
    ) -> tuple[list[Event], bytes | None]: ...

    def do_migrate(
        self, view: KVView, frame: Frame, sender: bytes, contract: bytes, new_code_id: int, msg: bytes
    ) -> tuple[list[Event], bytes | None]: ...

    def do_update_admin(self, view: KVView, sender: bytes, contract: bytes, new_admin: str) -> list[Event]: ...

    def do_reply(
        self, view: KVView, frame: Frame, contract: ContractInfo, reply: bytes
    ) -> tuple[list[Event], bytes | None]: ...

    def smart(self, view: ReadView, frame: Frame, contract: bytes, msg: bytes) -> bytes:
        """Run ``contract``'s ``query`` read-only on ``view``; its answer."""
        ...
