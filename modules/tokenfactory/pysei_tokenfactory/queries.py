"""tokenfactory queries, served through ABCI ``Query`` at their gRPC paths."""

from __future__ import annotations

from typing import Any

from abci_app.module_api import MsgError, QueryHandler, ReadView
from ledger import codes
from ledger.addresses import to_bech32

from . import denoms
from .pb.seiprotocol.seichain.tokenfactory import authority_metadata_pb2, query_pb2

PACKAGE = "/seiprotocol.seichain.tokenfactory.Query/"
DENOM_AUTHORITY_METADATA = PACKAGE + "DenomAuthorityMetadata"
DENOMS_FROM_CREATOR = PACKAGE + "DenomsFromCreator"


def _request(cls: Any, data: bytes) -> Any:
    try:
        return cls.FromString(data)
    except Exception as e:  # protobuf DecodeError
        raise MsgError(codes.INVALID_REQUEST, f"invalid request: {e}") from None


def _authority_metadata(data: bytes, view: ReadView, height: int) -> bytes:
    denom = _request(query_pb2.QueryDenomAuthorityMetadataRequest, data).denom
    current = denoms.admin(view, denom)
    if current is None:
        raise MsgError(codes.NOT_FOUND, f"rpc error: code = NotFound desc = denom does not exist: {denom}")
    meta = authority_metadata_pb2.DenomAuthorityMetadata(admin=to_bech32(current) if current else "")
    return query_pb2.QueryDenomAuthorityMetadataResponse(authority_metadata=meta).SerializeToString()


def _denoms_from_creator(data: bytes, view: ReadView, height: int) -> bytes:
    creator = denoms.address(_request(query_pb2.QueryDenomsFromCreatorRequest, data).creator, "creator")
    return query_pb2.QueryDenomsFromCreatorResponse(denoms=denoms.denoms_of(view, creator)).SerializeToString()


def routes() -> dict[str, QueryHandler]:
    return {DENOM_AUTHORITY_METADATA: _authority_metadata, DENOMS_FROM_CREATOR: _denoms_from_creator}
