"""``/cosmos/auth/v1beta1/accounts/{address}``: an account as a ``BaseAccount`` in an ``Any``."""

from __future__ import annotations

from typing import Any

from cosmos_api import protojson
from cosmos_api.api import Context, Request
from cosmos_api.routes import query
from pysei_pb.cosmos.auth.v1beta1 import query_pb2

ACCOUNT = "/cosmos.auth.v1beta1.Query/Account"


async def account(ctx: Context, req: Request) -> dict[str, Any]:
    request = query_pb2.QueryAccountRequest(address=req.params["address"])
    out = await query(ctx, req, ACCOUNT, request, query_pb2.QueryAccountResponse)
    return protojson.to_json(out)


ROUTES = {("GET", "/cosmos/auth/v1beta1/accounts/{address}"): account}
