"""A CosmWasm-compatible VM on wasmtime (interface version 8).

Uploaded code is checked (``validate``), unpacked, hashed and recorded (``code``), and
compiled once per ``cache.ModuleCache``: the caller (the ``wasm`` module's factory) builds
that cache and the ``keeper.Keeper`` that owns it, and hands the keeper to whatever runs
contracts; nothing here is global. The keeper runs each operation on an overlay, flushed
only on success: it calls one entry point on a fresh wasmtime store (``instance``), whose
host imports (``host``) read and write the contract's storage, charge gas and ask the chain
(``querier``); the ``Response`` becomes events and its submessages run through
``router``, one call level deeper (``frame``). ``router`` and ``querier`` see the keeper
only as ``frame.Contracts``, so imports point one way::

    keeper -> router, querier -> evm_bindings, funds, frame -> api, gas
           -> instance -> host -> fuel, regions, crypto, state

The map:

* ``api``       errors, code/contract records, the ``EvmCaller`` the app provides
* ``validate``  store-time checks of uploaded code (exports, imports, no floats, memory)
* ``code``      ``MsgStoreCode``: unpack, validate, checksum (sha256), record
* ``cache``     a wasmtime engine and its compiled-module LRU, keyed by checksum
* ``state``     the ``wasm`` store key layout, code/contract records, contract addresses
* ``instance``  one entry point call on a fresh wasmtime store (limits, traps)
* ``regions``   bounds-checked reads and writes of contract memory
* ``host``      the host imports (storage, addresses, crypto, debug, abort, query_chain)
* ``crypto``    secp256k1 / ed25519 checks with CosmWasm's result codes
* ``fuel``/``gas``  fuel <-> SDK gas, host-call charges, deterministic out-of-gas
* ``messages``  Env/MessageInfo/Response/Reply JSON
* ``frame``     the call frame (block, gas meter, depth) and the ``Contracts`` protocol
* ``keeper``    instantiate / execute / migrate / reply / queries, all-or-nothing
* ``router``    submessages (bank, wasm, ``call_evm`` and ``delegate_call_evm`` messages) and replies
* ``querier``   bank, wasm and ``evm`` queries a contract makes
* ``funds``     coins sent with a call or a bank submessage
* ``evm_bindings``  Sei's ``call_evm`` and ``delegate_call_evm`` messages (the latter only from
  the registered CW20 pointer of an ERC-20) and the ``static_call`` / ``get_evm_address`` queries

Imports only ``store.api``, ``ledger``, ``untrusted``, ``wasmtime`` and the signature
libraries (``coincurve``, ``Crypto``); execution does no I/O.
"""
