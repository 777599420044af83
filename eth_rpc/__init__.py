"""Ethereum JSON-RPC over HTTP and WebSocket; the method list is ``method_table.py``.

* ``server.py``   a ``LoopThreadServer`` (aiohttp's low-level server): HTTP, WebSocket, CORS, body limit
* ``dispatch.py`` JSON-RPC 2.0: parsing, batches, errors (``errors.py``), method calls
* ``method_spec.py``  ``@rpc(name, mode, ...)`` marks a function as a method
* ``method_table.py`` name -> method, collected explicitly from ``methods/`` (one module per family)
* ``backend.py``  what methods share: config, index, state store, the chain's precompile
  table (the one blocks execute with), block tags, block contexts
* ``config.py``, ``params.py``, ``ids.py``  settings, parameter parsing with -32602 messages,
  filter and subscription ids
* ``filters.py``, ``subscriptions.py``  polled filters and WebSocket subscriptions
* ``mempool.py``, ``cometbft.py``  pending txs and the CometBFT client
* ``intake.py``, ``tx_decoder.py``  where a sent tx goes (the local pool or CometBFT), and
  its decoding (in a helper process fed through pipes, for txs arriving together)
* ``simulation.py``  a call object, block and overrides as one simulation on the block's
  own execution path (``evm_bridge.execute.run``), in the next block's context;
  ``simulate_blocks.py`` eth_simulateV1's blocks of calls
* ``overrides.py``, ``accesslist.py``  state/block overrides, access lists
* ``tracing.py``, ``trace_config.py``, ``prestate.py``, ``flat_calls.py``  geth's tracers
* ``index/``  the block, tx, receipt and log index the methods read
"""

from eth_rpc.backend import Backend
from eth_rpc.config import RpcConfig
from eth_rpc.server import RpcServer

__all__ = ["Backend", "RpcConfig", "RpcServer"]
