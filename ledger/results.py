"""The result of executing one transaction (picklable; crosses from workers to the app)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Event:
    type: str
    attributes: tuple[tuple[str, str], ...] = ()


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
