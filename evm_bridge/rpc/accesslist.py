"""eth_createAccessList: a read view that records which accounts and slots a call touched.

The EVM reads an account's nonce (``n``), code hash (``c``) and slots (``s``) through the
view (``evm_bridge.state`` key layout), so the recorded reads are its access set.
"""

from __future__ import annotations

from collections.abc import Iterator

from evm_bridge.state import STORE
from store.api import ReadView

PRECOMPILE_MAX = 0x10FF  # 0x01.. and Sei's 0x1001.. precompiles are warm for free


class RecordingView:
    def __init__(self, parent: ReadView) -> None:
        self.parent = parent
        self.accounts: dict[bytes, set[int]] = {}

    def get(self, store: str, key: bytes) -> bytes | None:
        if store == STORE and key[:1] in (b"n", b"c") and len(key) == 21:
            self.accounts.setdefault(key[1:], set())
        elif store == STORE and key[:1] == b"s" and len(key) == 53:
            self.accounts.setdefault(key[1:21], set()).add(int.from_bytes(key[21:], "big"))
        return self.parent.get(store, key)

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        return self.parent.iterate(store, start, end, reverse)

    def access_list(self, exclude: set[bytes]) -> list[tuple[bytes, list[int]]]:
        out = []
        for addr, slots in sorted(self.accounts.items()):
            if addr in exclude or int.from_bytes(addr, "big") <= PRECOMPILE_MAX:
                continue
            out.append((addr, sorted(slots)))
        return out
