"""The Cosmos gRPC server: every app query route as a gRPC method, with server reflection.

A query route ``/cosmos.bank.v1beta1.Query/Balance`` is the gRPC method ``Balance`` of the
service ``cosmos.bank.v1beta1.Query``: the request's protobuf bytes go to the app's ABCI
query unchanged and its answer's bytes come back (a thin transport: no decoding here), so a
module's own query routes are served as soon as it registers them. The
``x-cosmos-block-height`` request metadata pins the height (0 or absent: latest); the
answer carries the height it was read at in the same header, as the SDK's server does.
Reflection (``grpc.reflection.v1alpha``, what ``grpcurl`` lists) covers the services whose
protobuf descriptors the process has loaded. Methods CometBFT answers (``grpc_chain``: txs,
blocks, node info) run on a fresh asyncio loop of the calling worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent import futures
from typing import Any

import grpc
from google.protobuf import descriptor_pool
from grpc_reflection.v1alpha import reflection

from cosmos_api.api import AbciQuery
from cosmos_api.comet import CometClient
from cosmos_api.errors import ApiError, from_abci
from cosmos_api.grpc_chain import ChainMethod

log = logging.getLogger("pysei.grpc")

HEIGHT_HEADER = "x-cosmos-block-height"
_STATUS = {code.value[0]: code for code in grpc.StatusCode}


def services_of(paths: Iterable[str]) -> dict[str, list[str]]:
    """``/pkg.Service/Method`` paths grouped by service (sorted)."""
    out: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        service, _, method = path.lstrip("/").partition("/")
        if service and method and "." in service:
            out[service].append(method)
    return {s: sorted(ms) for s, ms in sorted(out.items())}


def described(service: str) -> bool:
    try:
        descriptor_pool.Default().FindServiceByName(service)
    except KeyError:
        return False
    return True


def _height(context: grpc.ServicerContext) -> int:
    for key, value in context.invocation_metadata():
        if key == HEIGHT_HEADER:
            if not value.isdigit() or len(value) > 19:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"invalid {HEIGHT_HEADER} {value!r}")
            return int(value)
    return 0


def _method(abci_query: AbciQuery, path: str) -> Callable[[bytes, grpc.ServicerContext], bytes]:
    def call(request: bytes, context: grpc.ServicerContext) -> bytes:
        answer = abci_query(path, request, _height(context))
        if answer.code != 0:
            err = from_abci(answer.code, answer.codespace, answer.log)
            context.abort(_STATUS.get(err.code, grpc.StatusCode.UNKNOWN), err.message)
        context.send_initial_metadata(((HEIGHT_HEADER, str(answer.height)),))
        return answer.value

    return call


def _chain_method(method: ChainMethod, comet_url: str) -> Callable[[bytes, grpc.ServicerContext], bytes]:
    def call(request: bytes, context: grpc.ServicerContext) -> bytes:
        async def run() -> bytes:
            comet = CometClient(comet_url)
            try:
                return (await method(comet, request)).SerializeToString()
            finally:
                await comet.close()

        try:
            return asyncio.run(run())
        except ApiError as e:
            context.abort(_STATUS.get(e.code, grpc.StatusCode.UNKNOWN), e.message)
            raise  # abort raises; this line is never reached

    return call


class GrpcQueryServer:
    def __init__(self, address: str, abci_query: AbciQuery, paths: Iterable[str], threads: int = 4,
                 max_message_bytes: int = 4 * 1024 * 1024, chain: Mapping[str, ChainMethod] | None = None,
                 comet_url: str = "") -> None:
        self.address = address
        self.abci_query = abci_query
        self.chain = dict(chain or {})
        self.comet_url = comet_url
        self.services = services_of([*paths, *self.chain])
        self.threads = threads
        self.max_message_bytes = max_message_bytes
        self.port = 0
        self._server: Any = None

    def start(self) -> None:
        options = [("grpc.max_receive_message_length", self.max_message_bytes)]
        server = grpc.server(futures.ThreadPoolExecutor(self.threads, thread_name_prefix="cosmos-grpc"),
                             options=options)
        handlers = []
        for service, methods in self.services.items():
            table = {m: grpc.unary_unary_rpc_method_handler(self._handler(f"/{service}/{m}")) for m in methods}
            handlers.append(grpc.method_handlers_generic_handler(service, table))
        server.add_generic_rpc_handlers(tuple(handlers))
        listed = [s for s in self.services if described(s)]
        reflection.enable_server_reflection((*listed, reflection.SERVICE_NAME), server)
        self.port = server.add_insecure_port(self.address)
        if not self.port:
            raise OSError(f"cannot bind the Cosmos gRPC server to {self.address}")
        server.start()
        self._server = server
        log.info("Cosmos gRPC serving %s: %d services", self.address, len(self.services))

    def _handler(self, path: str) -> Callable[[bytes, grpc.ServicerContext], bytes]:
        if path in self.chain:
            return _chain_method(self.chain[path], self.comet_url)
        return _method(self.abci_query, path)

    def close(self) -> None:
        if self._server is not None:
            self._server.stop(grace=1).wait()
            self._server = None

