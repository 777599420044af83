"""cosmos_api.grpc_server in process: routes grouped into services, bytes passed through,
the height header both ways, app errors as status codes, reflection."""

from __future__ import annotations

import grpc
import pytest
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from cosmos_api.api import QueryAnswer
from cosmos_api.grpc_server import GrpcQueryServer, services_of
from pysei_pb.cosmos.bank.v1beta1 import query_pb2  # noqa: F401  (its service descriptor, for reflection)

PATHS = ["/cosmos.bank.v1beta1.Query/Balance", "/cosmos.bank.v1beta1.Query/AllBalances", "/store/acc/key",
         "/x.y.Query/Only"]


def test_services_of_groups_methods() -> None:
    assert services_of(PATHS) == {"cosmos.bank.v1beta1.Query": ["AllBalances", "Balance"], "x.y.Query": ["Only"]}


@pytest.fixture
def served():
    calls: list[tuple[str, bytes, int]] = []

    def app(path: str, data: bytes, height: int) -> QueryAnswer:
        calls.append((path, data, height))
        if data == b"missing":
            return QueryAnswer(38, log="rpc error: code = NotFound desc = account x not found", codespace="sdk")
        return QueryAnswer(0, value=b"answer:" + data, height=height or 42)

    server = GrpcQueryServer("127.0.0.1:0", app, PATHS)
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{server.port}") as channel:
            yield channel, calls
    finally:
        server.close()


def test_bytes_and_height_pass_through(served) -> None:
    channel, calls = served
    stub = channel.unary_unary("/cosmos.bank.v1beta1.Query/Balance")
    answer, rpc = stub.with_call(b"req", metadata=(("x-cosmos-block-height", "7"),), timeout=10)
    assert answer == b"answer:req" and dict(rpc.initial_metadata())["x-cosmos-block-height"] == "7"
    assert calls == [("/cosmos.bank.v1beta1.Query/Balance", b"req", 7)]
    _, rpc = stub.with_call(b"", timeout=10)
    assert dict(rpc.initial_metadata())["x-cosmos-block-height"] == "42"


@pytest.mark.parametrize(
    ("path", "data", "metadata", "status"),
    [
        ("/cosmos.bank.v1beta1.Query/Balance", b"missing", None, grpc.StatusCode.NOT_FOUND),
        ("/cosmos.bank.v1beta1.Query/Balance", b"", (("x-cosmos-block-height", "x"),), grpc.StatusCode.INVALID_ARGUMENT),
        ("/store/acc/key", b"", None, grpc.StatusCode.UNIMPLEMENTED),
        ("/cosmos.bank.v1beta1.Query/Nope", b"", None, grpc.StatusCode.UNIMPLEMENTED),
    ],
)
def test_failures_are_status_codes(served, path: str, data: bytes, metadata, status) -> None:
    channel, _ = served
    with pytest.raises(grpc.RpcError) as e:
        channel.unary_unary(path)(data, metadata=metadata, timeout=10)
    assert e.value.code() == status
    if status == grpc.StatusCode.NOT_FOUND:
        assert e.value.details() == "account x not found"


def test_reflection_lists_described_services(served) -> None:
    channel, _ = served
    services = set(ProtoReflectionDescriptorDatabase(channel).get_services())
    assert services == {"cosmos.bank.v1beta1.Query", "grpc.reflection.v1alpha.ServerReflection"}
