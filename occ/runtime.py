"""Set-up of the processes that execute blocks (the node's and each OCC worker's): the
keccak backend, and a worker's CPU priority. How they drive the garbage collector is
``store.gc_policy``'s."""

from __future__ import annotations

import os

from eth_hash.auto import keccak
from eth_hash.utils import load_environment_backend

#: keccak256 through the C ``sha3`` module (safe-pysha3): 5-7x faster than the pure
#: pycryptodome path eth-hash picks by default. Both give identical digests.
KECCAK_BACKEND = "pysha3"
#: How much lower than the coordinator a worker runs (``nice`` increment).
WORKER_NICENESS = 5


def use_fast_keccak() -> None:
    """Hash with ``KECCAK_BACKEND`` (unless ``ETH_HASH_BACKEND`` already names another) in
    this process from now on, even if it already hashed (every module shares
    ``eth_hash.auto.keccak``), and in the processes it starts later (through the
    environment). The node calls it at start, each OCC worker once started, the tests once."""
    backend = load_environment_backend(os.environ.setdefault("ETH_HASH_BACKEND", KECCAK_BACKEND))
    keccak.hasher = backend.keccak256
    keccak.preimage = backend.preimage


def yield_to_coordinator() -> None:
    """Lower this worker process's CPU priority. Workers are CPU-bound and the coordinator
    works in short bursts (settling outcomes, sending chunks); when they share the cores, a
    coordinator that waits for CPU starves every worker of chunks, so it goes first."""
    os.nice(WORKER_NICENESS)
