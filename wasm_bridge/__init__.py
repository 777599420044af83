"""A CosmWasm-compatible VM on wasmtime (interface version 8).

The map:

* ``validate``  store-time checks of uploaded code (exports, imports, no floats, memory)
* ``code``      ``MsgStoreCode``: unpack, validate, checksum (sha256), record
* ``cache``     the process's wasmtime engine and compiled-module LRU, keyed by checksum
* ``state``     the ``wasm`` store key layout, code/contract records, contract addresses
* ``instance``  one entry point call on a fresh wasmtime store (limits, traps)
* ``regions``   bounds-checked reads and writes of contract memory
* ``host``      the host imports (storage, addresses, crypto, debug, abort, query_chain)
* ``crypto``    secp256k1 / ed25519 checks with CosmWasm's result codes
* ``fuel``/``gas``  fuel <-> SDK gas, host-call charges, deterministic out-of-gas
* ``messages``  Env/MessageInfo/Response/Reply JSON
* ``keeper``    instantiate / execute / migrate / reply / queries, all-or-nothing
* ``router``    submessages (bank and wasm messages) and replies
* ``querier``   bank and wasm queries a contract makes

Imports only ``store.api``, ``ledger`` and ``wasmtime``; execution does no I/O.
"""
