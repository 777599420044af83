"""Routes that are one app query each: path and URL parameters filled into the request by
name (``json_format``: strings, 64-bit integers, base64 bytes), the answer as proto JSON.

Listed here: the staking delegation reads, staking params, distribution rewards, and
CosmWasm raw state and code (the SDK's and wasmd's gateway paths).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from cosmos_api import errors, protojson
from cosmos_api.api import Context, Handler, Request
from cosmos_api.routes import base64_arg, query, with_page
from pysei_pb.cosmos.distribution.v1beta1 import query_pb2 as distribution
from pysei_pb.cosmos.staking.v1beta1 import query_pb2 as staking
from pysei_pb.cosmwasm.wasm.v1 import query_pb2 as wasm


def unary(path: str, request_cls: type[Message], response_cls: type[Message], args: Sequence[str] = ()) -> Handler:
    """A handler answering ``path`` with a request built from the path parameters and the
    URL parameters named in ``args``."""

    async def handler(ctx: Context, req: Request) -> dict[str, Any]:
        fields: dict[str, Any] = dict(req.params)
        fields.update({name: value for name in args if (value := req.arg(name))})
        for name, value in fields.items():  # json_format skips what is not base64: be strict
            field = request_cls.DESCRIPTOR.fields_by_name.get(name)
            if field is not None and field.type == FieldDescriptor.TYPE_BYTES:
                fields[name] = base64.b64encode(base64_arg(value, name)).decode()
        try:
            request = json_format.ParseDict(fields, request_cls())
        except json_format.ParseError as e:
            raise errors.bad_request(f"invalid request: {e}") from None
        out = await query(ctx, req, path, request, response_cls)
        return with_page(protojson.to_json(out))

    handler.__name__ = path.rsplit("/", 1)[-1]
    handler.__doc__ = f"The app query {path}."
    return handler


STAKING, DISTRIBUTION, WASM = "/cosmos.staking.v1beta1.Query/", "/cosmos.distribution.v1beta1.Query/", "/cosmwasm.wasm.v1.Query/"
ROUTES = {
    ("GET", "/cosmos/staking/v1beta1/validators/{validator_addr}/delegations/{delegator_addr}"):
        unary(STAKING + "Delegation", staking.QueryDelegationRequest, staking.QueryDelegationResponse),
    ("GET", "/cosmos/staking/v1beta1/validators/{validator_addr}/delegations/{delegator_addr}/unbonding_delegation"):
        unary(STAKING + "UnbondingDelegation", staking.QueryUnbondingDelegationRequest,
              staking.QueryUnbondingDelegationResponse),
    ("GET", "/cosmos/staking/v1beta1/params"): unary(STAKING + "Params", staking.QueryParamsRequest, staking.QueryParamsResponse),
    ("GET", "/cosmos/distribution/v1beta1/delegators/{delegator_address}/rewards"):
        unary(DISTRIBUTION + "DelegationTotalRewards", distribution.QueryDelegationTotalRewardsRequest,
              distribution.QueryDelegationTotalRewardsResponse),
    ("GET", "/cosmos/distribution/v1beta1/delegators/{delegator_address}/rewards/{validator_address}"):
        unary(DISTRIBUTION + "DelegationRewards", distribution.QueryDelegationRewardsRequest,
              distribution.QueryDelegationRewardsResponse),
    ("GET", "/cosmwasm/wasm/v1/contract/{address}/raw/{query_data=**}"):
        unary(WASM + "RawContractState", wasm.QueryRawContractStateRequest, wasm.QueryRawContractStateResponse),
    ("GET", "/cosmwasm/wasm/v1/code/{code_id}"): unary(WASM + "Code", wasm.QueryCodeRequest, wasm.QueryCodeResponse),
}
