"""SC, the state commitment: one in-memory IAVL+ tree per module store and the app hash.

* ``node``      -- nodes and the node hash encoding.
* ``tree``      -- get / put / remove / iterate on immutable roots (copy-on-write).
* ``multitree`` -- the roots of every store, recent heights, change-set application.
* ``merkle``    -- the app hash over the sorted (store, root) pairs.
* ``changelog`` -- the append-only, checksummed, fsynced log of change sets.
* ``snapshot``  -- tree export/import (also the state-sync stream) and the snapshot folder.
* ``committer`` -- ``CommitStore``: stage/commit, restart from snapshot + changelog.
* ``proof``     -- IAVL existence/absence proofs.

Never imports ``store.ss``.
"""
