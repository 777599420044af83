"""``CosmosStateView``: native module state as one EVM tx sees it, journaled with its EVM state.

Reads: a usei balance (bank ``b`` + len + addr + ``usei``) or wei remainder (``w`` + len +
addr) of a 20-byte account is derived from the account DB's pending wei balance of the
matching EVM address (its association, else the direct cast); every other key (32-byte
contract accounts' balances included) reads the tx's view. A call
runs on a scratch ``Overlay`` of this reader; ``commit`` then applies the scratch writes:
balance keys become ``set_balance`` on the account DB (journaled, flushed with the tx),
other keys are written to the tx's view at once with an undo entry in the account DB's
journal (``_put`` with a write-through mapping), so a revert of any enclosing call frame
restores them. Under ``eth_call`` the view is read-only: writes then go to a scratch
overlay kept per account DB and dropped with it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import Any

from ledger import bank
from ledger.accounts import associated_evm
from ledger.encoding import addr_key, decode_uint, encode_uint
from store.api import KVView
from store.overlay import Overlay

_USEI = bank.NATIVE_DENOM.encode()
_scratch: weakref.WeakKeyDictionary[Any, Overlay] = weakref.WeakKeyDictionary()


def _balance_key(store: str, key: bytes) -> tuple[bytes, str] | None:
    """(account, "b" | "w") when ``key`` is a usei balance or wei remainder key."""
    if store != bank.STORE or len(key) < 2 or key[:1] not in (b"b", b"w"):
        return None
    n = key[1]
    addr, rest = key[2 : 2 + n], key[2 + n :]
    if n != 20 or len(addr) != n:  # 32-byte (contract) accounts have no EVM address
        return None
    if key[:1] == b"b" and rest == _USEI:
        return addr, "b"
    if key[:1] == b"w" and not rest:
        return addr, "w"
    return None


class _Target:
    """The view native writes land in: the tx's view, or a scratch overlay for eth_call."""

    @staticmethod
    def of(db: Any) -> KVView:
        view = db.view
        if hasattr(view, "set"):
            return view
        overlay = _scratch.get(db)
        if overlay is None:
            overlay = _scratch[db] = Overlay(view)
        return overlay


class _WriteThrough:
    """A mapping over (store, key) whose items are the target view's values; the account
    DB's journal uses it like its own dicts (``get`` for the old value, set/del to undo)."""

    def __init__(self, target: KVView) -> None:
        self.target = target

    def get(self, key: tuple[str, bytes], default: Any = None) -> Any:
        value = self.target.get(*key)
        return default if value is None else value

    def __setitem__(self, key: tuple[str, bytes], value: bytes | None) -> None:
        if value is None:
            self.target.delete(*key)
        else:
            self.target.set(key[0], key[1], value)

    def __delitem__(self, key: tuple[str, bytes]) -> None:
        self.target.delete(*key)


class CosmosStateView:
    """The read side (a ``ReadView``) plus ``scratch()`` and ``commit()``."""

    def __init__(self, account_db: Any) -> None:
        self.db = account_db
        self.target = _Target.of(account_db)
        self._through = _WriteThrough(self.target)

    def evm_address(self, sei: bytes) -> bytes:
        return associated_evm(self.target, sei) or sei[:20]

    def _wei(self, sei: bytes) -> int:
        return self.db.get_balance(self.evm_address(sei))

    def get(self, store: str, key: bytes) -> bytes | None:
        found = _balance_key(store, key)
        if found is None:
            return self.target.get(store, key)
        usei, rem = divmod(self._wei(found[0]), bank.WEI_PER_USEI)
        value = usei if found[1] == "b" else rem
        return encode_uint(value) if value else None

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        """The tx's view as is (pending EVM balances are not merged into bank ranges)."""
        return self.target.iterate(store, start, end, reverse)

    def scratch(self) -> Overlay:
        return Overlay(self)

    def commit(self, scratch: Overlay) -> None:
        """Apply a successful call's writes (see the module docstring)."""
        balances: dict[bytes, None] = {}
        for store, pairs in sorted(scratch.writes().items()):
            for key, value in sorted(pairs.items()):
                found = _balance_key(store, key)
                if found is not None:
                    balances[found[0]] = None
                elif value != self.target.get(store, key):
                    self.db._put(self._through, (store, key), value)
        for sei in balances:
            usei = decode_uint(scratch.get(bank.STORE, b"b" + addr_key(sei) + _USEI))
            rem = decode_uint(scratch.get(bank.STORE, b"w" + addr_key(sei)))
            self.db.set_balance(self.evm_address(sei), usei * bank.WEI_PER_USEI + rem)
