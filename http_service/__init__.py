"""HTTP services on their own event loop: the lifecycle every pysei HTTP server shares.

* ``loop_thread.py``  ``LoopThreadServer``: an aiohttp application on a private event
  loop (uvloop's) in a daemon thread; ``start()`` binds (re-raising a bind error) and
  returns once serving, ``close()`` stops, cleans up and joins. ``split_address`` reads
  ``host:port``.

The JSON-RPC (``eth_rpc.server``, on aiohttp's low-level server through ``make_runner``),
the Cosmos REST API (``cosmos_api.server``) and the explorer (``explorer.server``) subclass
it and supply only their application. Bottom layer: imports aiohttp, uvloop and nothing of
the project, so the explorer may use it too.
"""

from http_service.loop_thread import LoopThreadServer, split_address

__all__ = ["LoopThreadServer", "split_address"]
