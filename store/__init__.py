"""SeiDB: pysei's state storage. Execution never sees it: it reads and writes a ``KVView``
(``store.api``) and hands over one ``ChangeSet`` per height.

One facade, two independent layers::

    SeiDB (multistore.py)        stage(h, cs) -> app hash      commit()         read_view(v)
      ├── sc/  state commitment  IAVL trees in memory ───────▶ changelog fsync
      │                          (app hash)                    + snapshots
      └── ss/  state store       RocksDB, versioned keys ◀──── SS batch ◀──── reads, workers

* ``api``        -- the interfaces (views, ``ChangeSet``, the write layout ``Writes``, ``StateStore``,
  ``Committer``, ``Database``).
* ``config``     -- ``StoreConfig``, the operator knobs.
* ``encoding``   -- varints and the canonical change-set encoding.
* ``multistore`` -- ``SeiDB``: stage/commit, restart and SS repair, queries, state-sync entry points.
* ``ss``         -- keys (layout), rocks (RocksDB store), rocks_view (hot-path view), memory (dict
  store), view (generic view), pruner (background pruning), reader (worker-process reads).
* ``sc``         -- node + tree (IAVL+), multitree (per-store roots), merkle (app hash),
  changelog (WAL), snapshot (export/import, files), committer (durable SC), proof (IAVL proofs).
* ``proofs``     -- ``query(prove=True)`` ProofOps and ``verify_proof``.
* ``statesync``  -- snapshot chunks for CometBFT state sync, and restore.
* ``overlay``    -- ``Overlay``, the one buffered ``KVView`` (one flat layer of writes) that
  execution, ``ledger``'s users and ``occ`` all use; ``EmptyView``.
* ``gc_policy``  -- ``GcPolicy``: when the garbage collector is paused, frozen, thawed and
  run (after loading the state, around each block, in OCC workers), and why.

Rules: ``ss`` and ``sc`` never import each other; nothing here knows about modules; every
encoding that feeds a hash is documented beside its code (sc/node.py, sc/merkle.py).
"""
