"""What every ABCI transport shares: the app method answering each call, and the answer
to an unexpected exception in a call that must not stop the node."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ledger import codes
from pysei_pb.tendermint.abci import types_pb2 as abci

#: ABCI call (CometBFT's gRPC method name) -> App method (also the name of the call's
#: field in the socket transport's ``Request``/``Response`` envelopes).
METHODS = {
    "Echo": "echo",
    "Flush": "flush",
    "Info": "info",
    "CheckTx": "check_tx",
    "Query": "query",
    "Commit": "commit",
    "InitChain": "init_chain",
    "ListSnapshots": "list_snapshots",
    "OfferSnapshot": "offer_snapshot",
    "LoadSnapshotChunk": "load_snapshot_chunk",
    "ApplySnapshotChunk": "apply_snapshot_chunk",
    "PrepareProposal": "prepare_proposal",
    "ProcessProposal": "process_proposal",
    "ExtendVote": "extend_vote",
    "VerifyVoteExtension": "verify_vote_extension",
    "FinalizeBlock": "finalize_block",
}


def fallbacks() -> dict[str, Callable[[Exception], Any]]:
    """Answers for an unexpected exception in a request that must not stop the node.

    CheckTx and Query serve anyone (the node's RPC relays them): an error code. A proposal
    that cannot be checked is rejected and one that cannot be built is empty: consensus
    moves on to the next round. Other calls (FinalizeBlock, Commit, ...) abort, so that
    CometBFT stops rather than commit a state this node could not compute."""
    return {
        "CheckTx": lambda e: abci.ResponseCheckTx(code=codes.INTERNAL, log=f"internal error: {type(e).__name__}"),
        "Query": lambda e: abci.ResponseQuery(code=codes.INTERNAL, log=f"internal error: {type(e).__name__}"),
        "ProcessProposal": lambda e: abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.REJECT),
        "PrepareProposal": lambda e: abci.ResponsePrepareProposal(txs=[]),
    }
