"""SeiDB: pysei's state storage.

Two layers behind one facade (``store.multistore.SeiDB``):

* ``store.ss`` -- the state store: raw versioned key/values in RocksDB. Serves latest and
  historical reads (RPC, workers), range iteration, pruning.
* ``store.sc`` -- the state commitment: one in-memory IAVL tree per module store, a
  changelog and periodic snapshots; yields the app hash.

Execution never touches either directly: it sees a ``KVView`` (``store.api``). The one
message that crosses from execution to storage is a ``ChangeSet``.
"""
