"""The EVM on pysei: py-evm (Prague rules) executing over the node's module stores.

An Ethereum tx is decoded and its sender recovered once (``txs.decode_tx``, in CheckTx;
``txs.is_evm_tx`` is the one first-byte test telling it from a native tx);
``checks.check_tx`` applies the mempool rules with geth's wording. In FinalizeBlock the
same ``EvmTx`` goes to ``execute.execute_tx(tx, ctx, view, precompiles)``, a pure function
the OCC scheduler may run anywhere: it associates the signer's EVM and Sei addresses on its
first tx, validates (``checks.validate``), then runs py-evm (``vm``) over
``account_db.ViewAccountDB``, which keeps nonces, code hashes, code and storage slots in the
``evm`` store and balances in the bank store, buffers the tx's writes in a journal and
flushes only net changes; a plain value transfer in a block skips py-evm and writes the
same effects directly (``transfer``). ``precompiles`` is the chain's precompile table
(``precompiles.registry.precompile_table``), built by the app's task runner from the enabled
modules and handed to every execution. Fees are reported in ``TxResult.fee_wei`` and
credited to the fee collector by the app. ``execute.run`` is the one execution path:
simulations (``call``) and trace replays use it too, differing only in the view and in not
committing. Result codes are ``ledger.codes``.

Modules: ``api`` (types), ``txs`` + ``rlpscan`` (decoding), ``gas`` (intrinsic and floor
gas), ``checks`` (validity), ``account_db`` (key layout, account DB), ``vm`` (py-evm
wiring), ``execute`` (one tx), ``transfer`` (the value-transfer fast path), ``call``
(unsigned messages: simulation), ``estimate`` (geth's gas-limit search), ``receipts``
(logs bloom, block bloom, consensus receipt encoding: the one definition, also used by the
JSON-RPC index), ``basefee`` (EIP-1559), ``blockhash`` (BLOCKHASH history), ``signer``
(wallet-side signing for tests and tools).
Packages: ``precompiles`` (Sei's precompiles and their table), ``pointers`` (pointer
contracts and their registry).
"""
