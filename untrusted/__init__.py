"""Input the chain does not control, read without ever exhausting the C stack.

- ``json_text``: ``loads`` with a nesting bound checked before the C decoder recurses
  (JSON-RPC bodies and frames, the json precompile, every JSON the CosmWasm host reads,
  genesis files).
- ``toml_text``: config files, with the same kind of bound.
- ``stack``: the one place that sets the interpreter's recursion limit and the stack size
  of every thread that executes transactions or requests, and says why they fit.
- ``lifeline``: a helper process (OCC worker, index renderer) exits as soon as the node
  process it serves dies, however it dies.

Other decoders are bounded by construction, and the tests in ``tests/unit/untrusted``
pin each bound: Ethereum txs are read by a schema-driven, non-recursive RLP scanner
(``evm_bridge.rlpscan``); protobuf messages by upb, which stops at 100 levels; ABI values
by eth_abi with fixed method types (``evm_bridge.precompiles``).

This package is the bottom layer: it imports nothing of the project.
"""
