"""The shared vocabulary of execution: addresses, accounts, balances, block context, results.

Native modules (``abci_app.modules``), the EVM (``evm_bridge``) and the Wasm VM
(``wasm_bridge``) all read and write the same accounts and balances; their key layouts and
codecs live here, once, so every module agrees byte for byte. Depends only on ``store.api``.
"""
