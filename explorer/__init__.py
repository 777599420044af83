"""The block explorer: server-rendered pages of a pysei node, read only through the node's
public interfaces, so it runs inside the node (``explorer_address`` in ``app.toml``) or as
its own process against any node (``pysei explorer --node URL``).

A page request goes through four steps, each owned by one module:

1. ``server``: aiohttp on its own loop (a background thread inside the node); routes,
   static files, the ``/live`` WebSocket that pushes new blocks to the home page, and every
   failure turned into a page that says what was wrong (``errors``: 400, 404, 503).
2. ``pages``: one coroutine per page gathers what it shows from the node (``client``:
   the Ethereum JSON-RPC, CometBFT's RPC, the Cosmos REST API, and app queries through
   CometBFT's ``abci_query``, such as ``/pysei/occ/block``), batching calls where it can.
3. ``decode``: what the node answers in raw form made readable: ERC-20/721 events,
   revert reasons, call traces as trees, OCC conflict keys ("balance of sei1…",
   "slot 3 of 0xcd…"), amounts; ``addresses`` converts and validates the two address
   forms.
4. ``templates/``: Jinja2 pages readable without JavaScript; ``static/explorer.js`` adds
   the live parts on top, and the charts with uPlot (from npm, copied into
   ``static/vendor/`` by ``make explorer-assets``, never fetched at run time).

The package imports nothing of the app: ``abci_app.node.explorer_service`` hands it the
node's addresses.
"""
