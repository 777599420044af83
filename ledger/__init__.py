"""The shared vocabulary of execution: addresses, accounts, balances, block context, results.

Native modules (``abci_app.modules``), the EVM (``evm_bridge``) and the Wasm VM
(``wasm_bridge``) all read and write the same accounts and balances; their key layouts and
codecs live here, once, so every module agrees byte for byte. Depends only on ``store.api``.
"""

import os as _os

# keccak256 through the C ``sha3`` module (safe-pysha3): 5-7x faster than the pure
# pycryptodome path eth-hash picks by default. Both give identical digests; eth-hash reads
# this once, at its first hash, in this process and in every worker it spawns.
_os.environ.setdefault("ETH_HASH_BACKEND", "pysha3")

