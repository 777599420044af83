"""The node's Ethereum txs, one slot per (sender, nonce): which are pending (contiguous
from the sender's committed nonce) and which are queued (behind a gap), replacements,
caps and evictions.

A tx reaches a slot through CheckTx (it sits in CometBFT's mempool too) or as a *local*
tx: handed straight to the app by this node's JSON-RPC (``CheckState.check_local``), held
here only, and proposed from here by PrepareProposal. A local tx leaves when a block uses
its nonce, when a block includes it without using its nonce (the block refused it), or as
a queued tx past its TTL; CometBFT's recheck never sees it.

Not consensus state: it only steers CheckTx, recheck and this node's own proposals. The
check path mutates it (under the app's check lock); the JSON-RPC reads snapshots from
another thread, so every method takes the pool's own lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass

from evm_bridge.api import EvmTx
from ledger import codes
from ledger.addresses import to_checksum_evm
from ledger.codes import TxError

#: geth's price bump: a replacement pays at least 10 % more (max fee and tip).
PRICE_BUMP_PERCENT = 10
#: Hashes of replaced and evicted txs remembered so their recheck refuses them.
_TOMBSTONES = 100_000

REPLACED = "replaced by a transaction with a higher fee"
EXPIRED = "evicted from the txpool: its nonce gap stayed unfilled"
REFUSED = "evicted from the txpool: a block included it without using its nonce"


@dataclass(slots=True)
class Entry:
    tx: EvmTx
    since: int  # committed height when admitted
    seen: int  # committed height of its last CheckTx or recheck
    local: bool = False  # held here only, not in CometBFT's mempool


class _Account:
    """One sender's slots. ``base`` is its committed nonce; slots below it are gone."""

    __slots__ = ("base", "slots", "pending_end")

    def __init__(self, base: int) -> None:
        self.base = base
        self.slots: dict[int, Entry] = {}
        self.pending_end = base

    def refresh(self) -> None:
        n = self.base
        while n in self.slots:
            n += 1
        self.pending_end = n

    def queued(self) -> int:
        return len(self.slots) - (self.pending_end - self.base)


def replaces(new: EvmTx, old: EvmTx) -> bool:
    """True when ``new`` outbids ``old`` by the price bump on both max fee and tip."""
    bump = 100 + PRICE_BUMP_PERCENT
    return (new.max_fee_per_gas >= old.max_fee_per_gas * bump // 100
            and new.max_priority_fee_per_gas >= old.max_priority_fee_per_gas * bump // 100)


class TxPool:
    def __init__(self, account_queue: int = 64, global_queue: int = 1024, ttl_blocks: int = 900,
                 max_txs: int = 20_000) -> None:
        self.account_queue = account_queue
        self.global_queue = global_queue
        self.ttl_blocks = ttl_blocks
        #: Most txs held at once (pending and queued; CometBFT's mempool ``size`` default).
        self.max_txs = max_txs
        self._accounts: dict[bytes, _Account] = {}
        self._by_hash: dict[bytes, Entry] = {}
        self._queued = 0
        self._tombstones: OrderedDict[bytes, str] = OrderedDict()
        self._recheck_height = -1
        #: Blocks whose commit updated the pool (``pending_nonce`` reads across none).
        self._commits = 0
        self._lock = threading.Lock()

    # ---- CheckTx ----

    def check_slot(self, tx: EvmTx, state_nonce: int) -> bool:
        """May ``tx`` take its slot? True if this very tx holds it already; raises
        ``TxError`` when its nonce is beyond the window, the queue is full, or it would
        replace a tx without the price bump."""
        with self._lock:
            acc = self._account(tx.sender, state_nonce)
            held = acc.slots.get(tx.nonce)
            if held is not None:
                if held.tx.hash == tx.hash:
                    return True
                if not replaces(tx, held.tx):
                    raise TxError(codes.INSUFFICIENT_FEE, "replacement transaction underpriced", "evm")
                return False
            if tx.nonce >= acc.pending_end + self.account_queue:
                raise TxError(
                    codes.INVALID_SEQUENCE,
                    f"nonce too high: address {to_checksum_evm(tx.sender)}, tx: {tx.nonce} state: {acc.pending_end}"
                    f" (queue window {self.account_queue})",
                    "evm",
                )
            if (tx.nonce > acc.pending_end and self._queued >= self.global_queue) or len(self._by_hash) >= self.max_txs:
                raise TxError(codes.MEMPOOL_FULL, "txpool is full", "evm")
            return False

    def reserved_below(self, sender: bytes, nonce: int) -> int:
        """Wei the sender's held txs with lower nonces may spend (gas * max fee + value)."""
        with self._lock:
            acc = self._accounts.get(sender)
            if acc is None:
                return 0
            return sum(e.tx.gas * e.tx.max_fee_per_gas + e.tx.value for n, e in acc.slots.items() if n < nonce)

    def insert(self, tx: EvmTx, state_nonce: int, height: int, local: bool = False) -> None:
        """Hold ``tx`` in its slot (after ``check_slot``), replacing what held it; ``local``:
        only here, not in CometBFT's mempool."""
        with self._lock:
            acc = self._account(tx.sender, state_nonce)
            before = acc.queued()
            old = acc.slots.get(tx.nonce)
            if old is not None:
                self._by_hash.pop(old.tx.hash, None)
                self._bury(old.tx.hash, REPLACED)
            entry = Entry(tx, height, height, local)
            acc.slots[tx.nonce] = entry
            self._by_hash[tx.hash] = entry
            self._tombstones.pop(tx.hash, None)
            if tx.nonce == acc.pending_end:
                acc.refresh()
            self._queued += acc.queued() - before

    # ---- recheck ----

    def buried(self, tx_hash: bytes) -> str | None:
        """Why a replaced or evicted tx must leave the mempool (None: it need not)."""
        with self._lock:
            return self._tombstones.get(tx_hash)

    def holder(self, sender: bytes, nonce: int) -> EvmTx | None:
        with self._lock:
            acc = self._accounts.get(sender)
            entry = acc.slots.get(nonce) if acc is not None else None
            return entry.tx if entry is not None else None

    def mark_seen(self, tx: EvmTx, height: int) -> None:
        with self._lock:
            self._recheck_height = height
            entry = self._by_hash.get(tx.hash)
            if entry is not None:
                entry.seen = height

    def remove(self, tx: EvmTx) -> None:
        with self._lock:
            entry = self._by_hash.get(tx.hash)
            acc = self._accounts.get(tx.sender)
            if entry is None or acc is None or acc.slots.get(tx.nonce) is not entry:
                return
            before = acc.queued()
            self._pop(acc, [tx.nonce])
            self._queued += acc.queued() - before
            self._forget_if_empty(tx.sender, acc)

    def on_commit(self, height: int, nonce_of: Callable[[bytes], int], included: Collection[bytes] = ()) -> None:
        """After block ``height`` committed: drop the slots its txs used, queued txs older
        than the TTL (buried, so recheck evicts them), txs the last recheck round did not
        see (CometBFT no longer holds them; local txs excepted: it never held them) and
        local txs the block included (hashes ``included``) without using their nonce."""
        with self._lock:
            rechecked = self._recheck_height == height - 1
            for sender, acc in list(self._accounts.items()):
                base = max(acc.base, nonce_of(sender))
                gone = [n for n, e in acc.slots.items()
                        if n < base or (rechecked and not e.local and e.seen < height - 1)]
                acc.base = base
                self._pop(acc, gone)
                refused = [n for n, e in acc.slots.items() if e.local and e.tx.hash in included]
                for n in refused:
                    self._bury(acc.slots[n].tx.hash, REFUSED)
                self._pop(acc, refused)
                expired = [n for n, e in acc.slots.items()
                           if n > acc.pending_end and height - e.since >= self.ttl_blocks]
                for n in expired:
                    self._bury(acc.slots[n].tx.hash, EXPIRED)
                self._pop(acc, expired)
                self._forget_if_empty(sender, acc)
            self._queued = sum(a.queued() for a in self._accounts.values())
            self._commits += 1

    # ---- proposals ----

    def local_txs(self) -> list[EvmTx]:
        """The local txs (held here only), for this node's proposals."""
        with self._lock:
            return [e.tx for e in self._by_hash.values() if e.local]

    # ---- JSON-RPC views ----

    def snapshot(self) -> tuple[list[EvmTx], list[EvmTx]]:
        """(pending, queued) txs, each list by sender then nonce."""
        pending: list[EvmTx] = []
        queued: list[EvmTx] = []
        with self._lock:
            for acc in self._accounts.values():
                for n in sorted(acc.slots):
                    (pending if n < acc.pending_end else queued).append(acc.slots[n].tx)
        return pending, queued

    def find(self, tx_hash: bytes) -> EvmTx | None:
        with self._lock:
            entry = self._by_hash.get(tx_hash)
            return entry.tx if entry is not None else None

    def pending_nonce(self, sender: bytes, state_nonce_of: Callable[[bytes], int]) -> int:
        """The nonce after the sender's contiguous run of held txs from its committed nonce
        (``state_nonce_of``). Commit writes the state before it updates the pool, from
        another thread: a read of the state and the pool with a commit's update between
        them (the old nonce, the block's txs already dropped) is read again."""
        while True:
            commits = self._commits
            n = state_nonce_of(sender)
            with self._lock:
                if self._commits != commits:
                    continue
                acc = self._accounts.get(sender)
                while acc is not None and n in acc.slots:
                    n += 1
                return n

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_hash)

    # ---- internals (lock held) ----

    def _account(self, sender: bytes, state_nonce: int) -> _Account:
        acc = self._accounts.get(sender)
        if acc is None:
            acc = self._accounts[sender] = _Account(state_nonce)
        elif state_nonce > acc.base:
            before = acc.queued()
            gone = [n for n in acc.slots if n < state_nonce]
            acc.base = state_nonce
            self._pop(acc, gone)
            self._queued += acc.queued() - before
        return acc

    def _pop(self, acc: _Account, nonces: list[int]) -> None:
        """Remove slots and recompute the pending run (queued counts are the caller's)."""
        for n in nonces:
            entry = acc.slots.pop(n, None)
            if entry is not None:
                self._by_hash.pop(entry.tx.hash, None)
        acc.refresh()

    def _forget_if_empty(self, sender: bytes, acc: _Account) -> None:
        if not acc.slots:
            self._accounts.pop(sender, None)

    def _bury(self, tx_hash: bytes, why: str) -> None:
        self._tombstones[tx_hash] = why
        while len(self._tombstones) > _TOMBSTONES:
            self._tombstones.popitem(last=False)
