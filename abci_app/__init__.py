"""The pysei application: what CometBFT calls over ABCI, and everything that runs it.

Sub-packages by role, each depending only on those below it (import-linter checks this)::

    cli          the ``pysei`` command line: init, start, keys, tx, query, export, scaffold
      │
    node         one running node: the supervisor (CometBFT child, ABCI transport, services),
      │          the home directory, metrics, the JSON-RPC / REST / gRPC / explorer services
    application  the ABCI application: CheckTx and the tx pool, Prepare/ProcessProposal,
      │          FinalizeBlock (block execution through the OCC scheduler), Commit, queries,
      │          state sync; the task runner every OCC process executes a tx with
    modules      the built-in modules (auth, bank, evm, staking, distribution, slashing,
      │          wasm) and the entry-point loader that also finds third-party ones
    cosmos_tx    Cosmos txs: wire format, sign modes (DIRECT, amino JSON), multisig, the
      │          ante step, execution of one tx, simulation, the association tx
    module_api   the types a module implements and the core routes by (``Module``, ...)
    config       ``app.toml``

Execution (application, modules, cosmos_tx) never imports the node, the CLI or the RPC.
``docs/architecture.md`` walks one EVM tx and one Cosmos tx through these packages.
"""
