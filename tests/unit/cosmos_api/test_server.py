"""cosmos_api.server in process: a fake app query behind the real aiohttp server."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from cosmos_api.api import QueryAnswer, RestConfig
from cosmos_api.server import RestServer
from pysei_pb.cosmos.bank.v1beta1 import query_pb2
from pysei_pb.cosmos.base.v1beta1 import coin_pb2


class FakeApp:
    def __init__(self) -> None:
        self.calls: list[tuple[str, bytes, int]] = []

    def __call__(self, path: str, data: bytes, height: int) -> QueryAnswer:
        self.calls.append((path, data, height))
        if path.endswith("/Balance"):
            req = query_pb2.QueryBalanceRequest.FromString(data)
            if req.address == "boom":
                raise RuntimeError("a bug in a handler")
            coin = coin_pb2.Coin(denom=req.denom, amount=str(height or 7))
            return QueryAnswer(0, query_pb2.QueryBalanceResponse(balance=coin).SerializeToString())
        return QueryAnswer(7, log="invalid address", codespace="sdk")


@pytest.fixture
def server():
    app = FakeApp()
    srv = RestServer(RestConfig("127.0.0.1:0", "http://127.0.0.1:9", "c", max_body_bytes=1000), app)
    srv.start()
    try:
        yield srv, app
    finally:
        srv.close()


def call(srv: RestServer, path: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    req = urllib.request.Request(f"http://127.0.0.1:{srv.port}{path}", body, headers or {})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_query_reaches_the_app_with_height(server) -> None:
    srv, app = server
    status, body = call(srv, "/cosmos/bank/v1beta1/balances/sei1x/by_denom?denom=usei", headers={"x-cosmos-block-height": "12"})
    assert (status, body) == (200, {"balance": {"denom": "usei", "amount": "12"}})
    path, data, height = app.calls[-1]
    assert (path, height) == ("/cosmos.bank.v1beta1.Query/Balance", 12)
    assert query_pb2.QueryBalanceRequest.FromString(data).address == "sei1x"


def test_app_errors_and_bugs_answer_the_error_shape(server) -> None:
    srv, _ = server
    assert call(srv, "/cosmos/bank/v1beta1/balances/bad") == (400, {"code": 3, "message": "invalid address", "details": []})
    assert call(srv, "/cosmos/bank/v1beta1/balances/boom/by_denom?denom=usei") == (
        500, {"code": 13, "message": "internal error", "details": []}
    )
    assert call(srv, "/cosmos/bank/v1beta1/balances/sei1x/by_denom?denom=usei")[0] == 200  # still serving


def test_body_limit(server) -> None:
    srv, app = server
    status, body = call(srv, "/cosmos/tx/v1beta1/simulate", b"{" + b" " * 1000 + b"}")
    assert (status, body["code"]) == (413, 8)
    assert app.calls == []


def test_consensus_node_unreachable(server) -> None:
    srv, _ = server
    status, body = call(srv, "/cosmos/base/tendermint/v1beta1/node_info")
    assert (status, body["code"]) == (503, 14)
    assert body["message"].startswith("consensus node unreachable")


def test_openapi_document_lists_every_route(server) -> None:
    srv, _ = server
    status, doc = call(srv, "/openapi.json")
    assert status == 200 and doc["openapi"] == "3.0.3"
    listed = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    expected = {(r.method, r.pattern.replace("=**}", "}")) for r in srv.router.routes}
    assert listed == expected and len(expected) == 26
    op = doc["paths"]["/cosmos/bank/v1beta1/balances/{address}/by_denom"]["get"]
    assert [p["name"] for p in op["parameters"]] == ["address", "denom", "x-cosmos-block-height"]
    assert "requestBody" in doc["paths"]["/cosmos/tx/v1beta1/txs"]["post"]
