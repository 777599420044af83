"""The ABCI application: consensus-facing, deterministic, no I/O beyond its database.

* ``app.py``        ``App``: one method per ABCI call; stages FinalizeBlock's outcome and
  makes it durable in Commit (one atomic batch), then calls the block observers
* ``checktx.py``    ``CheckState``: CheckTx against the pending state (Cosmos txs in
  sequence order, Ethereum txs through the tx pool)
* ``txpool/``       the Ethereum tx pool: admission, pending/queued nonces, replacement,
  proposal building and checking (PrepareProposal / ProcessProposal)
* ``txcodec.py``    raw tx bytes -> ``Decoded`` (EVM, Cosmos or association), decoded and
  signature-checked once and cached from CheckTx to FinalizeBlock
* ``blockexec.py``  FinalizeBlock's computation: the scheduler, then fees and end-of-block
* ``runner.py``     ``AppTaskRunner``: runs one decoded tx on a view, in any OCC process
* ``queries.py``    ABCI Query routing; ``snapshots.py`` state sync over ABCI

Block contexts are built by ``ledger.context``, result codes live in ``ledger.codes``.
"""
