"""Pointer contracts: one asset, visible in another execution environment.

A pointer is a contract standing for a pointee of another kind: an ERC-20 for a native
bank denom (``native``), later an ERC-20 for a CW20, a CW20 for an ERC-20, and so on.

* ``registry.py``   the ``evm`` store's pointer registry: at most one pointer per (kind,
  pointee), a version per pointer, and the reverse lookup pointer -> pointee
* ``artifacts.py``  the compiled pointer contracts the node deploys (``NativePointer.sol``,
  built by ``build.py`` with the npm solc into ``.cache/pointers``; never committed)
* ``deploy.py``     deploys a pointer from inside a precompile call (a child CREATE)
* ``synthetic.py``  the ``Transfer`` logs of native moves of a pointed-to denom, carried as
  ``evm_log`` events by native txs and turned into logs by the receipt index

The pointer precompile (``0x…100B``) registers pointers, the pointerview precompile
(``0x…100A``) reads the registry, and the bank precompile's ``send`` moves a denom only for
that denom's registered pointer.
"""
