"""Raw CometBFT tx bytes -> a decoded tx, with a cache so each tx is decoded and its
signature checked once (in CheckTx) and reused by FinalizeBlock.

The first byte tells the kinds apart: a native ``TxRaw`` is protobuf and starts with field 1
(``0x0a``); an Ethereum tx is a typed envelope (``0x01``-``0x04``: ``evm_bridge.txs.is_evm_tx``)
or an RLP list (``>= 0xc0``).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from abci_app.cosmos_tx.associate import decode_associate
from abci_app.cosmos_tx.decode import decode_cosmos_tx
from evm_bridge.api import EvmTxError
from evm_bridge.txs import decode_tx, is_evm_tx
from ledger import codes
from ledger.codes import TxError

EVM = "evm"
COSMOS = "cosmos"
ASSOCIATE = "associate"  # the gasless association tx (``tx.associate``), a native encoding


@dataclass(frozen=True)
class Decoded:
    kind: str  # EVM, COSMOS or ASSOCIATE
    tx: Any  # evm_bridge EvmTx, abci_app.cosmos_tx.decode.CosmosTx or abci_app.cosmos_tx.associate.AssociateTx
    hash: bytes  # sha256 of the raw bytes (CometBFT's tx hash)


def kind_of(raw: bytes) -> str:
    if not raw:
        raise TxError(codes.TX_DECODE, "empty tx")
    first = raw[0]
    if first == 0x0A:
        return COSMOS
    if is_evm_tx(raw):
        return EVM
    raise TxError(codes.TX_DECODE, f"tx parse error: unknown tx encoding (first byte 0x{first:02x})")


class TxCodec:
    """Decodes txs for one chain; an LRU cache keyed by the raw bytes' sha256."""

    def __init__(self, evm_chain_id: int, max_tx_bytes: int, handlers: Mapping[str, Any], cache_size: int = 50_000):
        self.evm_chain_id = evm_chain_id
        self.max_tx_bytes = max_tx_bytes
        self.handlers = handlers
        self._cache: OrderedDict[bytes, Decoded | TxError] = OrderedDict()
        self._cache_size = cache_size

    def decode(self, raw: bytes) -> Decoded:
        """Decode (cached); raises ``TxError`` for bytes that are not a valid tx."""
        h = hashlib.sha256(raw).digest()
        hit = self._cache.get(h)
        if hit is None:
            hit = self._decode_uncached(raw, h)
            self._store(h, hit)
        if isinstance(hit, TxError):
            raise hit
        return hit

    def remember(self, raw: bytes, tx: Any) -> None:
        """Cache an Ethereum tx the JSON-RPC already decoded from ``raw`` with this chain id
        (``decode_tx(raw, evm_chain_id)``), so its CheckTx does not recover the sender again."""
        if len(raw) > self.max_tx_bytes:
            return
        h = hashlib.sha256(raw).digest()
        if h not in self._cache:
            self._store(h, Decoded(EVM, tx, h))

    def keep(self, raw: bytes, result: Decoded | TxError) -> None:
        """Cache what ``decode(raw)`` gives, decoded elsewhere with this codec's settings
        (the CometBFT RPC front's helper process), so CheckTx does not decode again."""
        h = hashlib.sha256(raw).digest()
        if h not in self._cache:
            self._store(h, result)

    def result(self, raw: bytes) -> Decoded | TxError:
        """``decode(raw)``, its refusal returned instead of raised."""
        try:
            return self.decode(raw)
        except TxError as e:
            return e

    def forget(self, raw: bytes) -> None:
        self._cache.pop(hashlib.sha256(raw).digest(), None)

    def _store(self, h: bytes, result: Decoded | TxError) -> None:
        """Cache ``result`` under the tx hash ``h``, the oldest entry leaving past the size."""
        self._cache[h] = result
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _decode_uncached(self, raw: bytes, h: bytes) -> Decoded | TxError:
        try:
            if len(raw) > self.max_tx_bytes:
                raise TxError(codes.TX_TOO_LARGE, f"tx too large: {len(raw)} bytes > max {self.max_tx_bytes}")
            kind = kind_of(raw)
            if kind == EVM:
                try:
                    return Decoded(EVM, decode_tx(raw, self.evm_chain_id), h)
                except EvmTxError as e:
                    raise TxError(e.code, str(e), "evm") from None
            association = decode_associate(raw)
            if association is not None:
                return Decoded(ASSOCIATE, association, h)
            return Decoded(COSMOS, decode_cosmos_tx(raw, self.max_tx_bytes, self.handlers), h)
        except TxError as e:
            return e
