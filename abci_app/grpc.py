"""The gRPC ABCI transport: decode, call the app, encode. Nothing else lives here."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent import futures
from typing import Any

import grpc

from pysei_pb.tendermint.abci import types_pb2 as abci
from pysei_pb.tendermint.abci import types_pb2_grpc

from . import codes
from .app import App

log = logging.getLogger("pysei.grpc")

_METHODS = {
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


def _fallbacks() -> dict[str, Callable[[Exception], Any]]:
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


def _servicer(app: App) -> types_pb2_grpc.ABCIServicer:
    fallbacks = _fallbacks()

    def bind(rpc: str, method: str):
        target = getattr(app, method)
        fallback = fallbacks.get(rpc)

        def call(self, request, context):
            try:
                return target(request)
            except Exception as e:
                log.exception("ABCI %s failed", rpc)
                if fallback is not None:
                    return fallback(e)
                context.abort(grpc.StatusCode.INTERNAL, f"{rpc}: {type(e).__name__}: {e}")

        call.__name__ = rpc
        return call

    attrs = {rpc: bind(rpc, method) for rpc, method in _METHODS.items()}
    return type("PyseiABCIServicer", (types_pb2_grpc.ABCIServicer,), attrs)()


class GrpcServer:
    """Serves the app on ``address`` (``host:port``). ``start()`` binds, ``close()`` stops."""

    def __init__(self, app: App, address: str, max_workers: int = 8) -> None:
        self.app = app
        self.address = address
        self.max_workers = max_workers
        self._server: grpc.Server | None = None

    def start(self) -> None:
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=self.max_workers, thread_name_prefix="abci"),
            options=[
                ("grpc.max_receive_message_length", 256 * 1024 * 1024),
                ("grpc.max_send_message_length", 256 * 1024 * 1024),
            ],
        )
        types_pb2_grpc.add_ABCIServicer_to_server(_servicer(self.app), server)
        if server.add_insecure_port(self.address) == 0:
            raise OSError(f"cannot listen on {self.address}")
        server.start()
        self._server = server
        log.info("ABCI gRPC server listening on %s", self.address)

    def wait(self) -> None:
        if self._server is not None:
            self._server.wait_for_termination()

    def close(self, grace: float = 2.0) -> None:
        if self._server is not None:
            self._server.stop(grace).wait()
            self._server = None
