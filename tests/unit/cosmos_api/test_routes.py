"""cosmos_api.routes, errors and protojson: path matching, parameters, error mapping, JSON."""

from __future__ import annotations

import pytest

from cosmos_api import errors, protojson
from cosmos_api.api import Request
from cosmos_api.routes import Route, Router, base64_arg, pagination, with_page
from pysei_pb.cosmos.bank.v1beta1 import query_pb2
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from pysei_pb.cosmos.tx.v1beta1 import service_pb2


async def _nothing(ctx, req):  # pragma: no cover - never called
    return {}


ROUTER = Router(
    [
        Route("GET", "/a/{x}", _nothing),
        Route("GET", "/a/{x}/by", _nothing),
        Route("POST", "/a/{x}", _nothing),
        Route("GET", "/c/{addr}/smart/{data=**}", _nothing),
    ]
)


@pytest.mark.parametrize(
    ("method", "path", "pattern", "params"),
    [
        ("GET", "/a/1", "/a/{x}", {"x": "1"}),
        ("GET", "/a/1/by", "/a/{x}/by", {"x": "1"}),
        ("POST", "/a/2", "/a/{x}", {"x": "2"}),
        ("GET", "/c/k/smart/ab/c+d==", "/c/{addr}/smart/{data=**}", {"addr": "k", "data": "ab/c+d=="}),
    ],
)
def test_router_matches(method: str, path: str, pattern: str, params: dict[str, str]) -> None:
    found = ROUTER.match(method, path)
    assert found is not None
    assert (found[0].pattern, found[1]) == (pattern, params)


@pytest.mark.parametrize(("method", "path"), [("GET", "/a"), ("GET", "/a/1/by/2"), ("DELETE", "/a/1"), ("GET", "/c/k/smart/"), ("GET", "/a//by")])
def test_router_refuses(method: str, path: str) -> None:
    assert ROUTER.match(method, path) is None


@pytest.mark.parametrize(("text", "data"), [("eyJhIjoxfQ==", b'{"a":1}'), ("eyJhIjoxfQ", b'{"a":1}'), ("-_8=", b"\xfb\xff")])
def test_base64_arg(text: str, data: bytes) -> None:
    assert base64_arg(text, "x") == data


def test_base64_arg_refuses_garbage() -> None:
    with pytest.raises(errors.ApiError) as e:
        base64_arg("!!!", "query data")
    assert (e.value.code, e.value.http_status) == (errors.INVALID_ARGUMENT, 400)


def test_pagination_parameters() -> None:
    req = Request({}, [("pagination.limit", "5"), ("pagination.offset", "2"), ("pagination.count_total", "true"),
                       ("pagination.key", "AQI="), ("pagination.reverse", "false")])
    page = pagination(req)
    assert (page.limit, page.offset, page.count_total, page.key, page.reverse) == (5, 2, True, b"\x01\x02", False)
    with pytest.raises(errors.ApiError):
        pagination(Request({}, [("pagination.limit", "-1")]))


@pytest.mark.parametrize(
    ("code", "codespace", "grpc", "status"),
    [(38, "sdk", 5, 404), (7, "sdk", 3, 400), (18, "sdk", 3, 400), (6, "sdk", 12, 501), (99, "sdk", 2, 500), (38, "wasm", 2, 500)],
)
def test_abci_errors_map_to_grpc_codes(code: int, codespace: str, grpc: int, status: int) -> None:
    e = errors.from_abci(code, codespace, "rpc error: code = NotFound desc = account x not found")
    assert (e.code, e.http_status, e.message) == (grpc, status, "account x not found")
    assert e.body() == {"code": grpc, "message": "account x not found", "details": []}


def test_json_is_the_gateway_form() -> None:
    resp = query_pb2.QueryAllBalancesResponse(balances=[coin_pb2.Coin(denom="usei", amount="5")])
    resp.pagination.total = 1
    assert with_page(protojson.to_json(resp)) == {
        "balances": [{"denom": "usei", "amount": "5"}], "pagination": {"next_key": None, "total": "1"}
    }


def test_request_bodies_parse_with_bounds() -> None:
    req = protojson.parse(service_pb2.BroadcastTxRequest, b'{"tx_bytes":"AQI=","mode":"BROADCAST_MODE_ASYNC"}')
    assert (req.tx_bytes, req.mode) == (b"\x01\x02", service_pb2.BROADCAST_MODE_ASYNC)
    for bad in (b"[" * 10_000 + b"]" * 10_000, b'{"nope":1}', b"[]", b"\xff"):
        with pytest.raises(errors.ApiError) as e:
            protojson.parse(service_pb2.BroadcastTxRequest, bad)
        assert e.value.code == errors.INVALID_ARGUMENT
