"""The EVM txs waiting in CometBFT's mempool, as the JSON-RPC sees them: pending nonces,
pending tx lookups and ``txpool_content``. Txs sent through this node are remembered
until they are indexed, so a just-sent tx is found even before the mempool is asked."""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from typing import Any

from evm_bridge.api import EvmTx, EvmTxError
from evm_bridge.txs import decode_tx, is_evm_tx

_KEEP = 10_000
#: A tx sent here counts as pending without being in CometBFT's answer for this long (it
#: may sit beyond the first 100 mempool txs); after that only the mempool listing counts.
_GRACE_S = 30.0


class Mempool:
    def __init__(self, comet: Any, chain_id: int) -> None:
        self.comet = comet
        self.chain_id = chain_id
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

    async def evm_txs(self) -> list[EvmTx]:
        """Mempool EVM txs (CometBFT's first 100) plus the ones sent here and not yet indexed."""
        try:
            raws = await self.comet.unconfirmed_txs()
        except Exception:
            raws = []
        txs = {tx.hash: tx for tx in (self._decode(r) for r in raws) if tx is not None}
        recent = time.monotonic() - _GRACE_S
        for h, (tx, at) in self.sent.items():
            if at >= recent:
                txs.setdefault(h, tx)
        return list(txs.values())

    async def nonces_of(self, sender: bytes) -> set[int]:
        return {tx.nonce for tx in await self.evm_txs() if tx.sender == sender}

    async def find(self, tx_hash: bytes) -> EvmTx | None:
        if tx_hash in self.sent:
            return self.sent[tx_hash][0]
        for tx in await self.evm_txs():
            if tx.hash == tx_hash:
                return tx
        return None
