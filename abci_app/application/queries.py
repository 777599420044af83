"""ABCI ``Query`` routing: module gRPC-style paths, raw store reads with proofs, node info.

Paths:
* ``/cosmos.bank.v1beta1.Query/Balance`` etc. -- registered by modules (protobuf in/out).
* ``/store/<store>/key`` -- raw value of key ``data`` in a module store; ``prove`` adds an
  IAVL proof against the app hash of that height.
* ``/pysei/occ/conflicts`` -- the OCC conflict report of recent blocks (JSON).
* ``/pysei/store_hashes`` -- per module store at the query height (JSON): the SC tree root
  (while that height's roots are kept in memory, else null), and a digest of the SS contents,
  ``sha256`` over ``len(key) ‖ key ‖ len(value) ‖ value`` (u32 big-endian lengths) in key order.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Sequence
from typing import Any

from abci_app.module_api import Module, MsgError
from ledger import codes
from pysei_pb.tendermint.abci import types_pb2 as abci
from pysei_pb.tendermint.crypto import proof_pb2
from store.api import Database

CONFLICT_HISTORY = 100


class QueryRouter:
    def __init__(self, db: Database, modules: Sequence[Module]) -> None:
        self.db = db
        self.routes = {}
        for m in modules:
            self.routes.update(m.queries)
        self.conflicts: deque[dict] = deque(maxlen=CONFLICT_HISTORY)

    def record_block(self, block, outcome) -> None:
        """Block observer: keep the per-block OCC conflict report for ``/pysei/occ/conflicts``."""
        s = outcome.stats
        self.conflicts.append(
            {
                "height": block.height,
                "txs": len(block.txs),
                "executions": s.executions,
                "re_executions": s.re_executions,
                "worker_segments": s.worker_segments,
                "in_order_fallback": s.in_order_fallback,
                "conflict_keys": [{"store": k[0], "key": k[1], "count": n} for k, n in s.conflict_keys],
            }
        )

    def query(self, req: abci.RequestQuery) -> abci.ResponseQuery:
        last = self.db.last_height()
        height = req.height or last
        if height > last:
            return _error(codes.INVALID_REQUEST, f"height {height} is in the future (latest {last})", last)
        try:
            if req.path.startswith("/store/"):
                return self._store(req, height)
            if req.path == "/pysei/store_hashes":
                return abci.ResponseQuery(code=0, value=json.dumps(store_hashes(self.db, height)).encode(),
                                          height=height)
            if req.path == "/pysei/occ/conflicts":
                return abci.ResponseQuery(code=0, value=json.dumps(list(self.conflicts)).encode(), height=last)
            handler = self.routes.get(req.path)
            if handler is None:
                return _error(codes.UNKNOWN_REQUEST, f"unknown query path: {req.path}", height)
            value = handler(bytes(req.data), self.db.read_view(height), height)
            return abci.ResponseQuery(code=0, value=value, height=height)
        except MsgError as e:
            return _error(e.code, e.log, height, e.codespace)
        except Exception as e:  # a bad query must never take the node down
            return _error(codes.INVALID_REQUEST, f"query failed: {type(e).__name__}: {e}", height)

    def _store(self, req: abci.RequestQuery, height: int) -> abci.ResponseQuery:
        parts = req.path.split("/")
        if len(parts) != 4 or parts[3] != "key":
            return _error(codes.UNKNOWN_REQUEST, f"unknown store query path: {req.path}", height)
        result = self.db.query(parts[2], bytes(req.data), height, prove=req.prove)
        resp = abci.ResponseQuery(code=0, key=req.data, value=result.value or b"", height=result.height)
        if req.prove and result.proof_ops:
            resp.proof_ops.CopyFrom(
                proof_pb2.ProofOps(ops=[proof_pb2.ProofOp(type=t, key=k, data=d) for t, k, d in result.proof_ops])
            )
        return resp


def store_hashes(db: Any, height: int) -> dict:
    """Per-store SC root (when kept) and SS content digest at ``height`` (read-only)."""
    trees = db.sc.trees
    roots = trees.roots_at(height)
    names = sorted(roots if roots is not None else trees.roots)
    view = db.read_view(height)
    out = {}
    for name in names:
        digest, count = hashlib.sha256(), 0
        for key, value in view.iterate(name, None, None):
            digest.update(len(key).to_bytes(4, "big") + key + len(value).to_bytes(4, "big") + value)
            count += 1
        root = roots[name].hash().hex() if roots is not None and name in roots else None
        out[name] = {"root": root, "digest": digest.hexdigest(), "keys": count}
    return {"height": height, "stores": out}


def _error(code: int, log: str, height: int, codespace: str = "sdk") -> abci.ResponseQuery:
    return abci.ResponseQuery(code=code, log=log, height=height, codespace=codespace)
