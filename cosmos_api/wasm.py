"""``/cosmwasm/wasm/v1/contract/{address}/smart/{query_data}``: a contract's smart query.

``query_data`` is the base64 of the JSON query; the answer's ``data`` is the contract's
JSON itself, as wasmd's gateway shows it (its ``RawContractMessage`` marshals as JSON).
"""

from __future__ import annotations

from typing import Any

from cosmos_api import errors, protojson
from cosmos_api.api import Context, Request
from cosmos_api.routes import base64_arg, query
from pysei_pb.cosmwasm.wasm.v1 import query_pb2

QUERY = "/cosmwasm.wasm.v1.Query/"


async def smart(ctx: Context, req: Request) -> dict[str, Any]:
    data = base64_arg(req.params["query_data"], "query data")
    protojson.json_body(data)  # wasmd refuses a query that is not JSON before running it
    request = query_pb2.QuerySmartContractStateRequest(address=req.params["address"], query_data=data)
    out = await query(ctx, req, QUERY + "SmartContractState", request, query_pb2.QuerySmartContractStateResponse)
    try:
        return {"data": protojson.json_body(out.data)}
    except errors.ApiError:
        raise errors.ApiError(errors.INTERNAL, "the contract answered no JSON") from None


async def contract_info(ctx: Context, req: Request) -> dict[str, Any]:
    request = query_pb2.QueryContractInfoRequest(address=req.params["address"])
    out = await query(ctx, req, QUERY + "ContractInfo", request, query_pb2.QueryContractInfoResponse)
    return protojson.to_json(out)


ROUTES = {
    ("GET", "/cosmwasm/wasm/v1/contract/{address}/smart/{query_data=**}"): smart,
    ("GET", "/cosmwasm/wasm/v1/contract/{address}"): contract_info,
}
