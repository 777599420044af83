"""OCC: optimistic parallel execution of a block, identical to serial execution.

Placeholder map; the algorithm paragraph and the module of each step are written by the
scheduler's implementation (``occ.scheduler``, ``occ.mvstore``, ``occ.view``,
``occ.executors``). The interfaces are in ``occ.api``.
"""
