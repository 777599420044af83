"""State sync over ABCI: serve and restore SeiDB snapshots in hash-checked chunks."""

from __future__ import annotations

from pysei_pb.tendermint.abci import types_pb2 as abci
from store.api import Database


def list_snapshots(db: Database, req: abci.RequestListSnapshots) -> abci.ResponseListSnapshots:
    lister = getattr(db, "list_snapshots", None)
    if lister is None:
        return abci.ResponseListSnapshots()
    return abci.ResponseListSnapshots(
        snapshots=[
            abci.Snapshot(height=s.height, format=s.format, chunks=s.chunks, hash=s.hash, metadata=s.metadata)
            for s in lister()
        ]
    )


def offer_snapshot(db: Database, req: abci.RequestOfferSnapshot) -> abci.ResponseOfferSnapshot:
    offer = getattr(db, "offer_snapshot", None)
    if offer is None:
        return abci.ResponseOfferSnapshot(result=abci.ResponseOfferSnapshot.REJECT)
    s = req.snapshot
    result = offer(s.height, s.format, s.chunks, bytes(s.hash), bytes(s.metadata), bytes(req.app_hash))
    return abci.ResponseOfferSnapshot(result=result)


def load_snapshot_chunk(db: Database, req: abci.RequestLoadSnapshotChunk) -> abci.ResponseLoadSnapshotChunk:
    load = getattr(db, "load_snapshot_chunk", None)
    if load is None:
        return abci.ResponseLoadSnapshotChunk()
    return abci.ResponseLoadSnapshotChunk(chunk=load(req.height, req.format, req.chunk) or b"")


def apply_snapshot_chunk(db: Database, req: abci.RequestApplySnapshotChunk) -> abci.ResponseApplySnapshotChunk:
    apply = getattr(db, "apply_snapshot_chunk", None)
    if apply is None:
        return abci.ResponseApplySnapshotChunk(result=abci.ResponseApplySnapshotChunk.ABORT)
    result, refetch = apply(req.index, bytes(req.chunk))
    return abci.ResponseApplySnapshotChunk(result=result, refetch_chunks=refetch)
