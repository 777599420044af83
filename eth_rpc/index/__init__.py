"""The JSON-RPC's block, tx, receipt and log index, and the txs' event attributes for CometBFT's
``tx_search`` (its own RocksDB under ``<home>/index``).

An observer of committed blocks (``Indexer.observe``, or ``BlockIndex.observe`` inline)
turns each ``CommittedBlock`` into the Ethereum view of it and writes that in one batch:

* ``render.py``  CommittedBlock -> block header, tx objects and receipts (pure; owns every
  definition of the Ethereum view: hash, parentHash, roots, each receipt's
  cumulativeGasUsed in block order, synthetic entries for native txs); blooms and the
  receipt encoding are execution's (``evm_bridge.receipts``)
* ``roots.py``   transactions/receipts Merkle-Patricia roots and the empty roots
* ``codec.py``   hex quantities and data as JSON-RPC writes them
* ``kv.py``      the key/value backends (RocksDB, in-memory for tests)
* ``store.py``   ``BlockIndex``: key layout, batched writes, lookups, restart gap check
* ``indexer.py``  ``Indexer``: the app observer; journals each block, renders it on a
  background thread (or a helper process), replays the journal after a crash
* ``logs.py``    log filters (block range, addresses, topics) with per-block bloom skipping
* ``tx_query.py``  CometBFT's query language (``tx_search``): conditions parsed as its parser does
* ``tx_events.py``  the txs' event attributes (rows written with each block when the node, not
  CometBFT, indexes them: ``tx_index``) and the search over them, as CometBFT v0.38's kv index
"""

from eth_rpc.index.indexer import Indexer
from eth_rpc.index.render import BlockNews, RenderedBlock
from eth_rpc.index.store import BlockIndex

__all__ = ["BlockIndex", "BlockNews", "Indexer", "RenderedBlock"]
