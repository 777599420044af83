"""The OpenAPI 3 document of the REST API (``GET /openapi.json``), built from the route
table: every path and method with its path and query parameters and the error shape."""

from __future__ import annotations

import inspect
from typing import Any

from cosmos_api.routes import Router

#: Query parameters of routes that take them (beyond their path parameters).
QUERY_PARAMS = {
    "/cosmos/bank/v1beta1/balances/{address}": ["pagination.key", "pagination.offset", "pagination.limit",
                                                 "pagination.count_total", "pagination.reverse"],
    "/cosmos/bank/v1beta1/balances/{address}/by_denom": ["denom"],
    "/cosmos/bank/v1beta1/supply/by_denom": ["denom"],
    "/cosmos/staking/v1beta1/validators": ["status", "pagination.offset", "pagination.limit"],
    "/cosmos/tx/v1beta1/txs": ["events", "query", "order_by", "page", "limit", "pagination.offset", "pagination.limit"],
    "/cosmos/tx/v1beta1/txs/block/{height}": ["pagination.offset", "pagination.limit"],
    "/cosmos/base/tendermint/v1beta1/validatorsets/latest": ["pagination.offset", "pagination.limit"],
    "/cosmos/base/tendermint/v1beta1/validatorsets/{height}": ["pagination.offset", "pagination.limit"],
}
ERROR = {
    "type": "object",
    "properties": {
        "code": {"type": "integer", "description": "gRPC status code"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object"}},
    },
}


def _path(pattern: str) -> str:
    return pattern.replace("=**}", "}")


def document(router: Router, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in router.routes:
        path = _path(route.pattern)
        params = [
            {"name": p[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
            for p in path.strip("/").split("/") if p.startswith("{")
        ]
        params += [{"name": q, "in": "query", "schema": {"type": "string"}} for q in QUERY_PARAMS.get(path, [])]
        params.append({"name": "x-cosmos-block-height", "in": "header", "schema": {"type": "string"}})
        op: dict[str, Any] = {
            "operationId": route.handler.__name__,
            "summary": (inspect.getdoc(route.handler) or route.handler.__name__).splitlines()[0],
            "parameters": params,
            "responses": {
                "200": {"description": "the SDK's proto3 JSON", "content": {"application/json": {"schema": {"type": "object"}}}},
                "default": {"description": "an error", "content": {"application/json": {"schema": ERROR}}},
            },
        }
        if route.method == "POST":
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
        paths.setdefault(path, {})[route.method.lower()] = op
    return {"openapi": "3.0.3", "info": {"title": "pysei Cosmos REST API", "version": version}, "paths": paths}
