"""The Cosmos APIs: the REST (LCD) API (the SDK's gRPC-gateway routes over HTTP/JSON) and
the gRPC server (``grpc_server``: every app query route as a gRPC method, reflection).

Cosmos wallets, explorers and scripts (cosmjs' LCD clients, Keplr, Ping.pub) read a node on
``:1317``. A request goes through four steps, each owned by one module:

1. ``server``: aiohttp on its own loop in a background thread; CORS, the body size limit,
   the ``x-cosmos-block-height`` header, and every failure turned into the SDK's error body
   ``{"code": <gRPC code>, "message": "...", "details": []}`` (``errors``).
2. ``routes``: the path table (``/cosmos/bank/v1beta1/balances/{address}`` ...) built from
   each service module's ``ROUTES``: ``bank``, ``auth``, ``staking``, ``wasm``, ``tx``,
   ``tendermint``, and ``gateway`` (routes that are one app query each); ``openapi``
   describes them at ``/openapi.json``.
3. The service module answers: state queries go to the app's own ABCI query handlers
   (``api.AbciQuery``, run on a thread pool against the state store's versions, never on
   the consensus path); txs, blocks and node info come from CometBFT's RPC (``comet``).
4. ``protojson``: responses are the SDK's protobuf messages rendered as proto3 JSON
   (``google.protobuf.json_format``: proto field names, defaults emitted, 64-bit integers
   as strings); request bodies are parsed with a nesting bound (``untrusted.json_text``).

The package knows nothing of the app: ``abci_app.node.cosmos_rest_service`` and ``abci_app.node.cosmos_grpc_service``
hand it a query function, the query routes and the CometBFT RPC address.
"""
