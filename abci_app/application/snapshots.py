"""State sync over ABCI: serve and restore SeiDB snapshots in hash-checked chunks.

SeiDB's snapshot stream (``store.statesync``) is offered as CometBFT ``Snapshot``s whose
``hash`` covers the whole stream and whose ``metadata`` lists every chunk's hash; a restore
checks each chunk, then the rebuilt state against the light-client-verified app hash.
"""

from __future__ import annotations

import logging

from pysei_pb.tendermint.abci import types_pb2 as abci
from store.statesync import FORMAT, SnapshotInfo

log = logging.getLogger("pysei.statesync")

Offer = abci.ResponseOfferSnapshot
Apply = abci.ResponseApplySnapshotChunk


def list_snapshots(db, req: abci.RequestListSnapshots) -> abci.ResponseListSnapshots:
    return abci.ResponseListSnapshots(
        snapshots=[
            abci.Snapshot(height=s.height, format=s.format, chunks=s.chunks, hash=s.hash, metadata=s.metadata)
            for s in db.list_snapshots()
        ]
    )


def offer_snapshot(db, req: abci.RequestOfferSnapshot) -> abci.ResponseOfferSnapshot:
    s = req.snapshot
    if s.format != FORMAT:
        return Offer(result=Offer.REJECT_FORMAT)
    info = SnapshotInfo(s.height, s.format, s.chunks, bytes(s.hash), bytes(s.metadata))
    accepted = db.offer_snapshot(info, bytes(req.app_hash))
    log.info("snapshot offered: height=%d chunks=%d accepted=%s", s.height, s.chunks, accepted)
    return Offer(result=Offer.ACCEPT if accepted else Offer.REJECT)


def load_snapshot_chunk(db, req: abci.RequestLoadSnapshotChunk) -> abci.ResponseLoadSnapshotChunk:
    return abci.ResponseLoadSnapshotChunk(chunk=db.load_snapshot_chunk(req.height, req.format, req.chunk))


def apply_snapshot_chunk(db, req: abci.RequestApplySnapshotChunk) -> abci.ResponseApplySnapshotChunk:
    try:
        ok = db.apply_snapshot_chunk(req.index, bytes(req.chunk))
    except ValueError as e:
        log.warning("snapshot rejected after its last chunk: %s", e)
        return Apply(result=Apply.REJECT_SNAPSHOT)
    if not ok:
        return Apply(result=Apply.RETRY, refetch_chunks=[req.index], reject_senders=[req.sender] if req.sender else [])
    log.info("snapshot chunk %d applied", req.index)
    return Apply(result=Apply.ACCEPT)
