"""Pointer contracts: one asset, visible in another execution environment.

A pointer is a contract standing for a pointee of another kind: an ERC-20 for a native
bank denom (``native``), an ERC-20 for a CW20 (``cw20``), a CW20 for an ERC-20 (``erc20``,
Sei's cwerc20), later the NFT kinds.

* ``registry.py``   the ``evm`` store's pointer registry: at most one pointer per (kind,
  pointee), a version per pointer, and the reverse lookup pointer -> pointee
* ``artifacts.py``  the compiled pointer contracts the node deploys (``NativePointer.sol``,
  ``CW20Pointer.sol`` built by ``build.py`` with the npm solc, the ``cwerc20/`` Rust crate
  with cargo, into ``.cache/pointers``; never committed)
* ``cwerc20/``      the CW20 pointer of an ERC-20: the cw20 interface, each execute a
  ``delegate_call_evm`` to the ERC-20 as the message's sender, each query a ``static_call``
* ``api.py``        ``PointerCodes``: the CosmWasm pointer code, stored by the chain on the
  first registration that needs it (the wasm module implements it)
* ``deploy.py``     deploys a pointer from inside a precompile call (a child CREATE)
* ``synthetic.py``  the ``Transfer`` logs of native moves of a pointed-to denom, carried as
  ``evm_log`` events by native txs and turned into logs by the receipt index

The pointer precompile (``0x…100B``) registers pointers, the pointerview precompile
(``0x…100A``) reads the registry, and the bank precompile's ``send`` moves a denom only for
that denom's registered pointer; likewise only an ERC-20's registered CW20 pointer may send
``delegate_call_evm`` to it (``abci_app.modules.wasm_evm``).
"""
