"""The gRPC ABCI transport: decode, call the app, encode. Nothing else lives here."""

from __future__ import annotations

import logging
from concurrent import futures

import grpc

from abci_app.application.app import App
from abci_app.node.abci_calls import METHODS, fallbacks
from pysei_pb.tendermint.abci import types_pb2_grpc

log = logging.getLogger("pysei.grpc")


def _servicer(app: App) -> types_pb2_grpc.ABCIServicer:
    answers = fallbacks()

    def bind(rpc: str, method: str):
        target = getattr(app, method)
        fallback = answers.get(rpc)

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

    attrs = {rpc: bind(rpc, method) for rpc, method in METHODS.items()}
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
