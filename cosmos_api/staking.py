"""``/cosmos/staking/v1beta1/...``: validators through the staking module's queries."""

from __future__ import annotations

from typing import Any

from cosmos_api import protojson
from cosmos_api.api import Context, Request
from cosmos_api.routes import pagination, query, with_page
from pysei_pb.cosmos.staking.v1beta1 import query_pb2

QUERY = "/cosmos.staking.v1beta1.Query/"


async def validators(ctx: Context, req: Request) -> dict[str, Any]:
    request = query_pb2.QueryValidatorsRequest(status=req.arg("status"), pagination=pagination(req))
    out = await query(ctx, req, QUERY + "Validators", request, query_pb2.QueryValidatorsResponse)
    return with_page(protojson.to_json(out))


async def validator(ctx: Context, req: Request) -> dict[str, Any]:
    request = query_pb2.QueryValidatorRequest(validator_addr=req.params["validator_addr"])
    out = await query(ctx, req, QUERY + "Validator", request, query_pb2.QueryValidatorResponse)
    return protojson.to_json(out)


ROUTES = {
    ("GET", "/cosmos/staking/v1beta1/validators"): validators,
    ("GET", "/cosmos/staking/v1beta1/validators/{validator_addr}"): validator,
}
