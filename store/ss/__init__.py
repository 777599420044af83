"""SS, the state store: raw key/values versioned by height.

* ``keys``    -- the RocksDB key and value layout, the one place it is encoded and decoded
  (one seek per latest-version read).
* ``rocks``   -- ``RocksStateStore`` (the node's SS) and ``VersionUnavailable``.
* ``memory``  -- ``MemoryStateStore``, the same semantics over dicts.
* ``rocks_view`` -- ``RocksView``, the hot-path ``ReadView`` of the RocksDB store (it knows
  the store only as a ``store.api.StateStore``: ``rocks`` imports it, never the reverse).
* ``view``    -- ``SSView``, a ``ReadView`` of any state store at one version.
* ``pruner``  -- background pruning thread.
* ``reader``  -- ``RocksOpener`` / ``RocksReader``: reading from worker processes.

Never imports ``store.sc``.
"""
