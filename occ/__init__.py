"""OCC: optimistic parallel execution of a block, identical to serial execution.

The coordinator (``occ.scheduler.OccScheduler``) cuts the block into chunks and sends them
to worker processes (``occ.executors.ProcessPoolExecutor``; the loop they run is
``occ.worker``), which read the block's base state themselves through a
``store.api.StateOpener``. A worker runs each task of a chunk in order through a
``TrackedView`` (``occ.view``) that reads the tx's own writes, then the worker's
multiversion store (``occ.mvstore``: final writes of lower txs shipped by the coordinator
once the block has had a conflict, and the worker's own earlier speculative writes), then
the base state; the view records each read with the version seen (absent included), each
iterated range with what it yielded, and the writes. The coordinator keeps the
multiversion store of final writes and settles outcomes in block order
(``occ.validation``): an outcome is valid when its reads and ranges replay to the same
versions over the final writes of lower txs; an invalid tx is re-executed by the
coordinator, valid by construction since every lower tx is final, so each step finalizes
one tx and the block terminates. A burst of conflicts ends a speculation round: the
coordinator runs the next txs in block order, then starts a new round; after
``max_rounds`` rounds the rest runs in order. ``occ.executors.SerialExecutor`` is the
oracle every schedule must equal: outputs in block order and the change set of every key
written. ``occ.runtime`` holds process knobs (garbage collection, worker priority),
``occ.memory`` an in-memory state for tests and benchmarks; interfaces are in ``occ.api``.

Status of one tx in the coordinator (``k`` is the first non-final tx)::

    ready ──dispatch──▶ executing ──outcome──▶ executed ──valid, all lower final──▶ final
      │                     │ outcome of an           │                               ▲
      │                     ▼ older incarnation:      └─invalid─▶ re-executed inline ─┤
      │                  (discarded)                                                  │
      └──────── in order (conflict burst, fallback): executed inline ─────────────────┘
"""
