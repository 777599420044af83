"""This node's native txs held for its own proposals only: admitted by CheckTx's rules
(``CheckState.admit_local``) when this node's CometBFT RPC front takes a broadcast on a lone
validator (``abci_app/node/cometbft_front.py``), never in CometBFT's mempool.

Kept in admission order (a client sends one sender's sequences in order). A tx leaves when
a block includes it, or when, replayed on the check state after a commit, it no longer
passes (a block used its sequence or spent its funds). Not consensus state; the front's
thread adds, Commit drops and PrepareProposal reads, so every method takes the pool's lock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

#: CometBFT's words for its mempool's refusals, which the front answers alike.
ALREADY_KNOWN = "tx already exists in cache"
FULL = "mempool is full"


class LocalRefusal(Exception):
    """The pool takes no tx: it holds this one already, or it is full (CometBFT answers
    these as JSON-RPC errors, not as CheckTx codes)."""


class NativeLocalPool:
    def __init__(self, max_txs: int = 20_000) -> None:
        self.max_txs = max_txs
        #: CometBFT tx hash -> (raw, its CheckTx gas used)
        self._txs: OrderedDict[bytes, tuple[bytes, int]] = OrderedDict()
        self._lock = threading.Lock()

    def refusal(self, tx_hash: bytes) -> str | None:
        """Why a tx with hash ``tx_hash`` cannot be added, or None."""
        with self._lock:
            if tx_hash in self._txs:
                return ALREADY_KNOWN
            if len(self._txs) >= self.max_txs:
                return f"{FULL}: number of txs {len(self._txs)} (max: {self.max_txs})"
            return None

    def add(self, tx_hash: bytes, raw: bytes, gas_used: int) -> None:
        with self._lock:
            self._txs[tx_hash] = (raw, gas_used)

    def items(self) -> list[tuple[bytes, bytes]]:
        """(hash, raw) of every held tx, in admission order."""
        with self._lock:
            return [(h, raw) for h, (raw, _) in self._txs.items()]

    def proposal(self) -> list[tuple[bytes, int]]:
        """(raw, CheckTx gas used) of every held tx, in admission order: what a proposal
        takes, the gas used counting against this node's own budget (``Limits.budget_gas``)."""
        with self._lock:
            return list(self._txs.values())

    def drop(self, hashes: Iterable[bytes]) -> None:
        with self._lock:
            for h in hashes:
                self._txs.pop(h, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._txs)
