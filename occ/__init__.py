"""OCC: optimistic parallel execution of a block, identical to serial execution.

The coordinator (``occ.scheduler.OccScheduler``) cuts the block into contiguous segments
(``occ.planner``, from what recent blocks cost): it keeps the first and gives each worker
process (``occ.executors.ProcessPoolExecutor``; its loop is ``occ.worker``) one of the
others. Workers read the block's base state themselves through a ``store.api.StateOpener``
and run their segment in order, optimistically: each tx through a ``TxView`` (``occ.view``)
over the base state plus the writes of the segment's earlier txs, recording every key it
read (absent ones included), every range it iterated, and its writes. Outcomes come back in
batches.

Meanwhile the coordinator executes its own segment in block order, untracked, as fast as
serial execution. Then it settles the workers' outcomes in block order
(``occ.validation``): an outcome is valid when it read no key, and iterated no range holding
a key, on which the worker's speculative state may differ from the final one (the "dirty"
keys: at a segment's start every key written earlier in the block). A valid outcome's
writes become final. An invalid tx is re-executed by the coordinator over the final writes,
which is final by construction since every lower tx is, and both its write sets become
dirty. So each tx is settled once, in order, and the block always terminates.

``occ.executors.SerialExecutor`` is the oracle every schedule must equal: outputs in block
order and the change set of every key written. The coordinator's own segment and the serial
executor write through a plain ``store.overlay.Overlay``; ``TxView`` is that overlay plus
read recording. Both executors run each block inside the garbage-collector policy they are
given (``store.gc_policy``). ``occ.runtime`` sets up the processes that execute (keccak
backend, worker priority), ``occ.memory`` is an in-memory state for tests and benchmarks;
interfaces are in ``occ.api``. ``BlockStats`` counts what this engine does: executions,
re-executions, worker segments, and whether worker txs fell back to in-order execution.

A tx's path through the coordinator::

    own segment ─────────────── executed in order ─────────────────────────▶ final
    worker segment ──speculated──▶ outcome ──settled in order──┬─ valid ────▶ final
                                                               └─ invalid ─▶ re-executed ─▶ final
"""
