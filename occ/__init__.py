"""OCC: optimistic parallel execution of a block, identical to serial execution.

The coordinator (``occ.scheduler.OccScheduler``) cuts the block into chunks and sends them
to worker processes (``occ.executors.ProcessPoolExecutor``; the loop they run is
``occ.worker``). A worker runs each task of a chunk in order through a ``TrackedView``
(``occ.view``), which reads the tx's own writes, then the multiversion store
(``occ.mvstore``: the final writes of lower txs shipped by the coordinator, plus the
chunk's earlier txs), then the block's base state, which the worker reads itself through
a ``store.api.StateOpener``; the view records what was read (key and version, absent
included), which ranges were iterated and what they yielded, and what was written. The
coordinator keeps the multiversion store of final writes and settles outcomes in block
order (``occ.validation``): an outcome is valid when every read and iterated range
replays to the same versions over the final writes of lower txs; an invalid tx is
re-executed by the coordinator itself, valid by construction since every lower tx is
final, so each step finalizes one tx and the block terminates. A burst of conflicts ends
the speculation round: the coordinator runs the next txs in block order, then starts a
new round; after ``max_rounds`` rounds the rest runs in order. ``occ.executors.SerialExecutor``
is the oracle the result must equal: outputs in block order and the change set of every
key written. Interfaces are in ``occ.api``.

Status of one tx in the coordinator (``k`` is the first non-final tx)::

    ready ──dispatch──▶ executing ──outcome──▶ executed ──valid, all lower final──▶ final
      │                     │ outcome of an           │                               ▲
      │                     ▼ older incarnation:      └─invalid─▶ re-executed inline ─┤
      │                  (discarded)                                                  │
      └──────── in order (conflict burst, fallback): executed inline ─────────────────┘
"""
