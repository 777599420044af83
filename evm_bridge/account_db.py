"""EVM accounts, code and storage over a ``KVView``, with a journal for reverts.

Key layout (store ``evm``; integers are minimal big-endian, absent = 0):

=========================  ===================================================
``n`` + addr20             account nonce
``c`` + addr20             code hash (32 bytes; absent = no code)
``k`` + codehash32         contract code (content-addressed, shared)
``s`` + addr20 + slot32    storage slot value
``h`` + u64 height         block hash of ``height`` (last 256 heights, for BLOCKHASH)
=========================  ===================================================

Balances are not here: the bank store owns them (``ledger.bank.wei_balance`` of
``ledger.accounts.sei_for_evm(addr)``), so a native send and an EVM transfer move the
same money. Every field is its own key, so the OCC scheduler sees conflicts per (account
field, storage slot).

``ViewAccountDB`` reads through to the view lazily and buffers every write of the tx in
dicts; an undo log gives py-evm its nested checkpoints (revert, commit). ``flush`` writes
only the values that differ from the view, once, at the end of the tx. The view is not
written during execution, so "original value" (EIP-2200/3529) is simply the view value.
Access sets (EIP-2929) and transient storage (EIP-1153) share the same undo log.
"""

from __future__ import annotations

from typing import Any

from eth.abc import AccountDatabaseAPI
from eth.constants import BLANK_ROOT_HASH
from eth_hash.auto import keccak

from ledger import bank
from ledger.accounts import sei_for_evm
from ledger.encoding import decode_uint, encode_uint
from store.api import KVView, ReadView

STORE = "evm"
EMPTY_CODE_HASH = keccak(b"")
_MISSING: Any = object()


def nonce_key(addr: bytes) -> bytes:
    return b"n" + addr


def code_hash_key(addr: bytes) -> bytes:
    return b"c" + addr


def code_key(code_hash: bytes) -> bytes:
    return b"k" + code_hash


def storage_key(addr: bytes, slot: int) -> bytes:
    return b"s" + addr + slot.to_bytes(32, "big")


def storage_range(addr: bytes) -> tuple[bytes, bytes]:
    """The key range ``[start, end)`` holding all storage slots of ``addr``."""
    start = b"s" + addr
    return start, (int.from_bytes(start, "big") + 1).to_bytes(len(start), "big")


def read_nonce(view: ReadView, addr: bytes) -> int:
    return decode_uint(view.get(STORE, b"n" + addr))


def read_code(view: ReadView, addr: bytes) -> bytes:
    h = view.get(STORE, b"c" + addr)
    return b"" if h is None else view.get(STORE, b"k" + h) or b""


def read_storage(view: ReadView, addr: bytes, slot: int) -> int:
    return decode_uint(view.get(STORE, storage_key(addr, slot)))


def read_balance(view: ReadView, addr: bytes) -> int:
    return bank.wei_balance(view, sei_for_evm(view, addr))


class ViewAccountDB(AccountDatabaseAPI):
    """py-evm's account database interface over a ``KVView`` (one tx's worth)."""

    def __init__(self, view: KVView, state_root: bytes = BLANK_ROOT_HASH) -> None:  # noqa: ARG002
        self._view = self.view = view
        self._sei: dict[bytes, bytes] = {}
        # values as read from the view ("original"), loaded lazily
        self._o_nonce: dict[bytes, int] = {}
        self._o_hash: dict[bytes, bytes] = {}
        #: Balances are keyed by bank account (the Sei address an EVM address resolves to):
        #: two EVM addresses of one account (a linked address and the cast of its Sei
        #: address) share one balance.
        self._o_bal: dict[bytes, int] = {}
        #: EVM addresses whose balance this tx read or wrote (tracers list them).
        self._balance_addresses: dict[bytes, None] = {}
        self._o_slot: dict[tuple[bytes, int], int] = {}
        # values written by this tx (journaled)
        self._nonce: dict[bytes, int] = {}
        self._hash: dict[bytes, bytes] = {}
        self._bal: dict[bytes, int] = {}
        self._slot: dict[tuple[bytes, int], int] = {}
        self._code: dict[bytes, bytes] = {}
        self._wiped: dict[bytes, bool] = {}
        self._warm: dict[Any, bool] = {}
        self._transient: dict[tuple[bytes, int], bytes] = {}
        self._journal: list[tuple[dict[Any, Any], Any, Any]] = []
        self._checkpoints: dict[int, int] = {}
        self._next_checkpoint = 0

    def seed(self, address: bytes, sei: bytes, nonce: int, balance: int, code_hash: bytes) -> None:
        """Pre-load what the caller already read of one account (saves re-reading it)."""
        self._sei[address] = sei
        self._o_nonce[address] = nonce
        self._o_bal[sei] = balance
        self._balance_addresses[address] = None
        self._o_hash[address] = code_hash

    # -- journal -------------------------------------------------------------------
    def _put(self, d: dict[Any, Any], key: Any, value: Any) -> None:
        self._journal.append((d, key, d.get(key, _MISSING)))
        d[key] = value

    def record(self) -> Any:
        cp = self._next_checkpoint
        self._next_checkpoint = cp + 1
        self._checkpoints[cp] = len(self._journal)
        return cp

    def discard(self, checkpoint: Any) -> None:
        mark = self._checkpoints.pop(checkpoint)
        for cp in [c for c in self._checkpoints if c > checkpoint]:
            del self._checkpoints[cp]
        journal = self._journal
        while len(journal) > mark:
            d, key, old = journal.pop()
            if old is _MISSING:
                del d[key]
            else:
                d[key] = old

    def commit(self, checkpoint: Any) -> None:
        # entries stay in the log: an enclosing checkpoint may still revert them
        self._checkpoints.pop(checkpoint)

    def lock_changes(self) -> None:
        self._warm.clear()

    # -- balances (bank store) --------------------------------------------------------
    def _sei_of(self, addr: bytes) -> bytes:
        sei = self._sei.get(addr)
        if sei is None:
            sei = self._sei[addr] = sei_for_evm(self._view, addr)
        return sei

    def get_balance(self, address: bytes) -> int:
        sei = self._sei_of(address)
        self._balance_addresses[address] = None
        b = self._bal.get(sei)
        if b is None:
            b = self._o_bal.get(sei)
            if b is None:
                b = self._o_bal[sei] = bank.wei_balance(self._view, sei)
        return b

    def set_balance(self, address: bytes, balance: int) -> None:
        if balance < 0:
            raise ValueError("negative balance")
        self.get_balance(address)
        self._put(self._bal, self._sei_of(address), balance)

    def touched_addresses(self) -> set[bytes]:
        """The EVM addresses whose nonce, balance, code or storage this tx read or wrote."""
        return (set(self._o_nonce) | set(self._balance_addresses) | set(self._o_hash) | set(self._nonce)
                | set(self._hash) | {a for a, _ in self._o_slot} | {a for a, _ in self._slot})

    # -- nonce and code -----------------------------------------------------------------
    def get_nonce(self, address: bytes) -> int:
        n = self._nonce.get(address)
        if n is None:
            n = self._o_nonce.get(address)
            if n is None:
                n = self._o_nonce[address] = decode_uint(self._view.get(STORE, b"n" + address))
        return n

    def set_nonce(self, address: bytes, nonce: int) -> None:
        self.get_nonce(address)
        self._put(self._nonce, address, nonce)

    def increment_nonce(self, address: bytes) -> None:
        self._put(self._nonce, address, self.get_nonce(address) + 1)

    def get_code_hash(self, address: bytes) -> Any:
        h = self._hash.get(address)
        if h is None:
            h = self._o_hash.get(address)
            if h is None:
                h = self._o_hash[address] = self._view.get(STORE, b"c" + address) or EMPTY_CODE_HASH
        return h

    def get_code(self, address: bytes) -> bytes:
        h = self.get_code_hash(address)
        if h == EMPTY_CODE_HASH:
            return b""
        code = self._code.get(h)
        if code is None:
            code = self._view.get(STORE, b"k" + h) or b""
        return code

    def set_code(self, address: bytes, code: bytes) -> None:
        self.get_code_hash(address)
        h = keccak(code)
        if code and h not in self._code:
            self._put(self._code, h, code)
        self._put(self._hash, address, h)

    def delete_code(self, address: bytes) -> None:
        self.get_code_hash(address)
        self._put(self._hash, address, EMPTY_CODE_HASH)

    # -- storage ----------------------------------------------------------------------
    def get_storage(self, address: bytes, slot: int, from_journal: bool = True) -> int:
        key = (address, slot)
        if from_journal:
            v = self._slot.get(key)
            if v is not None:
                return v
            if address in self._wiped:
                return 0
        v = self._o_slot.get(key)
        if v is None:
            v = self._o_slot[key] = decode_uint(self._view.get(STORE, storage_key(address, slot)))
        return v

    def set_storage(self, address: bytes, slot: int, value: int) -> None:
        key = (address, slot)
        if key not in self._o_slot:
            self.get_storage(address, slot, from_journal=False)
        self._put(self._slot, key, value)

    def delete_storage(self, address: bytes) -> None:
        for key in [k for k in self._slot if k[0] == address]:
            self._put(self._slot, key, 0)
        self._put(self._wiped, address, True)

    # -- accounts -----------------------------------------------------------------------
    def account_has_code_or_nonce(self, address: bytes) -> bool:
        return self.get_nonce(address) != 0 or self.get_code_hash(address) != EMPTY_CODE_HASH

    def has_storage(self, address: bytes) -> bool:
        """Whether any storage slot of ``address`` is non-zero (creation collision, EIP-7610)."""
        if any(v for (a, _), v in self._slot.items() if a == address):
            return True
        if address in self._wiped:
            return False
        for k, _ in self._view.iterate(STORE, *storage_range(address)):
            if self._slot.get((address, int.from_bytes(k[21:], "big")), 1):
                return True
        return False

    def account_is_empty(self, address: bytes) -> bool:
        return not self.account_has_code_or_nonce(address) and self.get_balance(address) == 0

    def account_exists(self, address: bytes) -> bool:
        """Accounts have no separate existence record: empty accounts do not exist (the
        post-EIP-161 view, where empty and absent accounts behave the same)."""
        return not self.account_is_empty(address)

    def touch_account(self, address: bytes) -> None:
        """Nothing to do: an empty account is never stored."""

    def delete_account(self, address: bytes) -> None:
        if self.get_nonce(address):
            self._put(self._nonce, address, 0)
        if self.get_code_hash(address) != EMPTY_CODE_HASH:
            self._put(self._hash, address, EMPTY_CODE_HASH)
        if self.get_balance(address):
            self._put(self._bal, address, 0)
        self.delete_storage(address)

    # -- access sets and transient storage ----------------------------------------------
    def is_address_warm(self, address: bytes) -> bool:
        return address in self._warm

    def mark_address_warm(self, address: bytes) -> None:
        if address not in self._warm:
            self._put(self._warm, address, True)

    def is_storage_warm(self, address: bytes, slot: int) -> bool:
        return (address, slot) in self._warm

    def mark_storage_warm(self, address: bytes, slot: int) -> None:
        key = (address, slot)
        if key not in self._warm:
            self._put(self._warm, key, True)

    def get_transient(self, address: bytes, slot: int) -> bytes:
        return self._transient.get((address, slot), b"")

    def set_transient(self, address: bytes, slot: int, value: bytes) -> None:
        self._put(self._transient, (address, slot), value)

    def clear_transient(self) -> None:
        self._transient.clear()

    # -- writing back -------------------------------------------------------------------
    def flush(self) -> None:
        """Write the tx's net changes to the view (only values that differ from it)."""
        view = self._view
        for addr in self._wiped:
            start, end = storage_range(addr)
            for k in [k for k, _ in view.iterate(STORE, start, end)]:
                view.delete(STORE, k)
        for (addr, slot), v in self._slot.items():
            if addr in self._wiped:
                if v:
                    view.set(STORE, storage_key(addr, slot), encode_uint(v))
            elif v != self._o_slot[(addr, slot)]:
                k = storage_key(addr, slot)
                if v:
                    view.set(STORE, k, encode_uint(v))
                else:
                    view.delete(STORE, k)
        for addr, n in self._nonce.items():
            if n != self._o_nonce[addr]:
                if n:
                    view.set(STORE, b"n" + addr, encode_uint(n))
                else:
                    view.delete(STORE, b"n" + addr)
        for addr, h in self._hash.items():
            if h != self._o_hash[addr]:
                if h == EMPTY_CODE_HASH:
                    view.delete(STORE, b"c" + addr)
                else:
                    view.set(STORE, b"c" + addr, h)
        live = set(self._hash.values())
        for h, code in self._code.items():
            if h in live and view.get(STORE, b"k" + h) is None:
                view.set(STORE, b"k" + h, code)
        for sei, b in self._bal.items():
            if b != self._o_bal[sei]:
                bank.set_wei_balance(view, sei, b)

    # -- trie-only parts of the interface (no Merkle-Patricia trie here) ---------------
    @property
    def state_root(self) -> Any:
        return BLANK_ROOT_HASH

    @state_root.setter
    def state_root(self, value: Any) -> None:
        pass

    def has_root(self, state_root: bytes) -> bool:
        return False

    def make_state_root(self) -> Any:
        raise NotImplementedError("pysei keeps EVM state in module stores, not in a trie")

    def persist(self) -> Any:
        raise NotImplementedError("pysei keeps EVM state in module stores, not in a trie")
