"""The result of executing one transaction (picklable; crosses from workers to the app).

``Event`` and ``TxResult`` pickle as a rebuild function and a tuple of their fields (events
as plain ``(type, attributes)`` pairs): about a third of the default's cost, since an OCC
worker ships every result back to the coordinator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_new = object.__new__

Attributes = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Event:
    type: str
    attributes: Attributes = ()

    def __reduce__(self) -> tuple[Callable[..., Event], tuple[str, Attributes]]:
        return _event, (self.type, self.attributes)


@dataclass(frozen=True)
class TxResult:
    code: int = 0
    log: str = ""
    codespace: str = ""
    gas_wanted: int = 0
    gas_used: int = 0
    events: tuple[Event, ...] = ()
    data: bytes = b""
    #: Fee owed to the fee collector in wei (1 usei = 10**12 wei), already debited from the
    #: payer in the view and credited to the collector at the end of the block.
    fee_wei: int = 0
    #: EVM receipt fields (``evm_bridge.receipts``) for EVM txs; None for native txs.
    evm: Any = field(default=None)

    @property
    def ok(self) -> bool:
        return self.code == 0

    def __reduce__(self) -> tuple[Callable[..., TxResult], tuple[Any, ...]]:
        events = tuple([(e.type, e.attributes) for e in self.events])
        fields = (self.code, self.log, self.codespace, self.gas_wanted, self.gas_used, events)
        return _tx_result, (*fields, self.data, self.fee_wei, self.evm)


def _event(type_: str, attributes: Attributes) -> Event:
    """An ``Event`` without ``__init__``'s frozen-field checks (unpickling)."""
    event = _new(Event)
    state = event.__dict__
    state["type"], state["attributes"] = type_, attributes
    return event


def _tx_result(
    code: int,
    log: str,
    codespace: str,
    gas_wanted: int,
    gas_used: int,
    events: tuple[tuple[str, Attributes], ...],
    data: bytes,
    fee_wei: int,
    evm: Any,
) -> TxResult:
    """A ``TxResult`` from ``TxResult.__reduce__``'s fields (unpickling)."""
    result = _new(TxResult)
    result.__dict__.update(
        code=code,
        log=log,
        codespace=codespace,
        gas_wanted=gas_wanted,
        gas_used=gas_used,
        events=tuple([_event(t, a) for t, a in events]),
        data=data,
        fee_wei=fee_wei,
        evm=evm,
    )
    return result
