"""The gRPC ABCI transport: decode, call the app, encode. Nothing else lives here."""

from __future__ import annotations

import logging
from concurrent import futures

import grpc

from pysei_pb.tendermint.abci import types_pb2_grpc

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


def _servicer(app: App) -> types_pb2_grpc.ABCIServicer:
    def bind(rpc: str, method: str):
        target = getattr(app, method)

        def call(self, request, context):
            try:
                return target(request)
            except Exception as e:
                log.exception("ABCI %s failed", rpc)
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
