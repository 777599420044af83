"""Query proofs against the app hash: ``prove_key`` builds the ProofOps, ``verify_proof``
checks them (a light client needs only this module and the app hash).

Two ops, innermost first, as ``(type, key, data)``:

* ``("iavl:v", key, tree proof)`` -- see ``store.sc.proof``; absent when the store is empty.
* ``("multistore", store name, uvarint(n) ‖ n × (lp(name) ‖ lp(tree root)))`` -- every
  non-empty store's root, sorted by name; the app hash is recomputed from them
  (``store.sc.merkle``), so this also proves a store is empty.
"""

from __future__ import annotations

from collections.abc import Mapping

from store.encoding import Reader, lp, uvarint
from store.sc import merkle, proof
from store.sc.node import Node

IAVL_OP = "iavl:v"
MULTISTORE_OP = "multistore"

ProofOps = tuple[tuple[str, bytes, bytes], ...]


def prove_key(roots: Mapping[str, Node], store: str, key: bytes) -> ProofOps:
    names = sorted(roots)
    table = uvarint(len(names)) + b"".join(lp(n.encode()) + lp(roots[n].hash()) for n in names)
    ops: list[tuple[str, bytes, bytes]] = []
    root = roots.get(store)
    if root is not None:
        ops.append((IAVL_OP, key, proof.prove(root, key)))
    ops.append((MULTISTORE_OP, store.encode(), table))
    return tuple(ops)


def verify_proof(app_hash: bytes, store: str, key: bytes, value: bytes | None, ops: ProofOps) -> bool:
    """True iff ``ops`` prove that ``store[key]`` is ``value`` (None = absent) under ``app_hash``."""
    try:
        return _verify(app_hash, store, key, value, ops)
    except (ValueError, IndexError, UnicodeDecodeError):
        return False


def store_roots(ops: ProofOps) -> dict[str, bytes]:
    """Every non-empty store's tree root, as a proof's multistore op lists them."""
    if not ops or ops[-1][0] != MULTISTORE_OP:
        raise ValueError("no multistore op")
    r = Reader(ops[-1][2])
    roots: dict[str, bytes] = {}
    for _ in range(r.uvarint()):
        name = r.lp().decode()
        roots[name] = r.lp()
    if not r.done():
        raise ValueError("trailing bytes in the multistore op")
    return roots


def _verify(app_hash: bytes, store: str, key: bytes, value: bytes | None, ops: ProofOps) -> bool:
    if not ops or ops[-1][0] != MULTISTORE_OP or ops[-1][1] != store.encode():
        return False
    roots = store_roots(ops)
    if merkle.app_hash(roots) != app_hash:
        return False
    if len(ops) == 1:  # the store is empty: nothing is in it
        return store not in roots and value is None
    if len(ops) != 2 or ops[0][0] != IAVL_OP or ops[0][1] != key or store not in roots:
        return False
    return proof.verify(ops[0][2], key, value) == roots[store]
