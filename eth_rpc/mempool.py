"""The EVM txs waiting in CometBFT's mempool, as the JSON-RPC sees them: pending nonces,
pending tx lookups and ``txpool_content``.

With the local app's tx pool (``PoolView``, installed by the node) every view comes from
it: all held txs, split into pending and queued as geth does. Without one (the RPC in
front of a remote node) they come from CometBFT's ``unconfirmed_txs`` (its first 100)
plus the txs sent through this node until they are indexed, all counted as pending."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from evm_bridge.api import EvmTx, EvmTxError
from evm_bridge.txs import decode_tx, is_evm_tx

_KEEP = 10_000
#: A tx sent here counts as pending without being in CometBFT's answer for this long (it
#: may sit beyond the first 100 mempool txs); after that only the mempool listing counts.
_GRACE_S = 30.0


class PoolView(Protocol):
    """The app's tx pool as the JSON-RPC reads it (``abci_app.application.txpool.pool.TxPool``)."""

    def snapshot(self) -> tuple[list[EvmTx], list[EvmTx]]:
        """(pending, queued) txs."""
        ...

    def find(self, tx_hash: bytes) -> EvmTx | None: ...

    def pending_nonce(self, sender: bytes, state_nonce_of: Callable[[bytes], int]) -> int:
        """The nonce after the sender's contiguous held txs from its committed nonce, read
        consistently with a commit's update of the pool."""
        ...


class Mempool:
    def __init__(self, comet: Any, chain_id: int, pool: PoolView | None = None) -> None:
        self.comet = comet
        self.chain_id = chain_id
        self.pool = pool
        self.sent: OrderedDict[bytes, tuple[EvmTx, float]] = OrderedDict()
        self._decoded: OrderedDict[bytes, EvmTx | None] = OrderedDict()
        self._announced: OrderedDict[bytes, None] = OrderedDict()

    def first_sighting(self, tx_hash: bytes) -> bool:
        """True the first time a tx hash is announced to pending-tx subscribers and filters."""
        if tx_hash in self._announced:
            return False
        self._announced[tx_hash] = None
        while len(self._announced) > _KEEP:
            self._announced.popitem(last=False)
        return True

    def remember(self, tx: EvmTx) -> None:
        self.sent[tx.hash] = (tx, time.monotonic())
        while len(self.sent) > _KEEP:
            self.sent.popitem(last=False)

    def forget(self, tx_hashes: list[bytes]) -> None:
        for h in tx_hashes:
            self.sent.pop(h, None)

    def _decode(self, raw: bytes) -> EvmTx | None:
        key = hashlib.sha256(raw).digest()
        if key in self._decoded:
            return self._decoded[key]
        tx = None
        if is_evm_tx(raw):
            try:
                tx = decode_tx(raw, self.chain_id)
            except EvmTxError:
                tx = None
        self._decoded[key] = tx
        while len(self._decoded) > _KEEP:
            self._decoded.popitem(last=False)
        return tx

    async def split(self) -> tuple[list[EvmTx], list[EvmTx]]:
        """(pending, queued) EVM txs."""
        if self.pool is not None:
            return self.pool.snapshot()
        try:
            raws = await self.comet.unconfirmed_txs()
        except Exception:
            raws = []
        txs = {tx.hash: tx for tx in (self._decode(r) for r in raws) if tx is not None}
        recent = time.monotonic() - _GRACE_S
        for h, (tx, at) in self.sent.items():
            if at >= recent:
                txs.setdefault(h, tx)
        return list(txs.values()), []

    async def evm_txs(self) -> list[EvmTx]:
        """Every EVM tx waiting, pending and queued."""
        pending, queued = await self.split()
        return pending + queued

    async def pending_nonce(self, sender: bytes, state_nonce_of: Callable[[bytes], int]) -> int:
        """The next nonce after the sender's contiguous waiting txs; ``state_nonce_of`` reads
        its committed nonce."""
        if self.pool is not None:
            return self.pool.pending_nonce(sender, state_nonce_of)
        nonces = {tx.nonce for tx in await self.evm_txs() if tx.sender == sender}
        n = state_nonce_of(sender)
        while n in nonces:
            n += 1
        return n

    async def find(self, tx_hash: bytes) -> EvmTx | None:
        if self.pool is not None:
            return self.pool.find(tx_hash)
        if tx_hash in self.sent:
            return self.sent[tx_hash][0]
        for tx in await self.evm_txs():
            if tx.hash == tx_hash:
                return tx
        return None
