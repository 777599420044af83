"""Ethereum JSON-RPC over HTTP and WebSocket (see README.md here for the method list).

* ``server.py``   aiohttp on its own loop thread: HTTP, WebSocket, CORS, body limit
* ``dispatch.py`` JSON-RPC 2.0: parsing, batches, errors (``errors.py``), method calls
* ``registry.py`` name -> method; ``methods/`` one module per family
* ``backend.py``  what methods share: index, state store, block tags, block contexts
* ``params.py``   parameter parsing with -32602 messages
* ``filters.py``, ``subscriptions.py``  polled filters and WebSocket subscriptions
* ``mempool.py``, ``cometbft.py``  pending txs and the CometBFT client
* ``simulation.py``  a call object, block and overrides as one simulation on the block's
  own execution path (``evm_bridge.execute.run``), in the next block's context
* ``overrides.py``, ``accesslist.py``, ``tracing.py``  state/block overrides, access lists, traces
"""

from eth_rpc.backend import Backend
from eth_rpc.config import RpcConfig
from eth_rpc.server import RpcServer

__all__ = ["Backend", "RpcConfig", "RpcServer"]
