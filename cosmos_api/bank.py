"""``/cosmos/bank/v1beta1/...``: balances through the bank module's queries."""

from __future__ import annotations

from typing import Any

from cosmos_api import errors, protojson
from cosmos_api.api import Context, Request
from cosmos_api.routes import pagination, query, with_page
from pysei_pb.cosmos.bank.v1beta1 import query_pb2

QUERY = "/cosmos.bank.v1beta1.Query/"


async def balances(ctx: Context, req: Request) -> dict[str, Any]:
    request = query_pb2.QueryAllBalancesRequest(address=req.params["address"], pagination=pagination(req))
    out = await query(ctx, req, QUERY + "AllBalances", request, query_pb2.QueryAllBalancesResponse)
    return with_page(protojson.to_json(out))


async def balance_by_denom(ctx: Context, req: Request) -> dict[str, Any]:
    denom = req.arg("denom")
    if not denom:
        raise errors.bad_request("invalid denom: empty")
    request = query_pb2.QueryBalanceRequest(address=req.params["address"], denom=denom)
    out = await query(ctx, req, QUERY + "Balance", request, query_pb2.QueryBalanceResponse)
    return protojson.to_json(out)


async def supply_of(ctx: Context, req: Request) -> dict[str, Any]:
    request = query_pb2.QuerySupplyOfRequest(denom=req.arg("denom"))
    out = await query(ctx, req, QUERY + "SupplyOf", request, query_pb2.QuerySupplyOfResponse)
    return protojson.to_json(out)


ROUTES = {
    ("GET", "/cosmos/bank/v1beta1/balances/{address}"): balances,
    ("GET", "/cosmos/bank/v1beta1/balances/{address}/by_denom"): balance_by_denom,
    ("GET", "/cosmos/bank/v1beta1/supply/by_denom"): supply_of,
}
