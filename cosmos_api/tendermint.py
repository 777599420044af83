"""``/cosmos/base/tendermint/v1beta1/...``: blocks, node info and sync state from CometBFT.

CometBFT's RPC JSON (hex hashes, numeric flags) is read into the SDK's protobuf messages
(``tendermint.types.Block``, ``DefaultNodeInfo``), which render as the SDK's JSON (base64
hashes, enum names). Evidence is listed empty (see ``proto/tendermint/types/block.proto``).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from google.protobuf.any_pb2 import Any as AnyPb
from google.protobuf.timestamp_pb2 import Timestamp

from cosmos_api import errors, protojson
from cosmos_api.api import Context, Request
from cosmos_api.comet import CometError
from cosmos_api.routes import pagination, with_page
from ledger.addresses import VALCONS_PREFIX, to_bech32
from pysei_pb.cosmos.base.tendermint.v1beta1 import query_pb2
from pysei_pb.cosmos.crypto.ed25519 import keys_pb2 as ed25519
from pysei_pb.cosmos.crypto.secp256k1 import keys_pb2 as secp256k1
from pysei_pb.tendermint.p2p import types_pb2 as p2p
from pysei_pb.tendermint.types import block_pb2, types_pb2
from pysei_pb.tendermint.version import types_pb2 as version

J = Mapping[str, Any]


def _hex(text: str | None) -> bytes:
    return bytes.fromhex(text or "")


def _time(text: str) -> Timestamp:
    t = Timestamp()
    t.FromJsonString(text)
    return t


def block_id(j: J) -> types_pb2.BlockID:
    parts = j.get("parts") or {}
    return types_pb2.BlockID(
        hash=_hex(j.get("hash")),
        part_set_header=types_pb2.PartSetHeader(total=int(parts.get("total") or 0), hash=_hex(parts.get("hash"))),
    )


def header(j: J) -> types_pb2.Header:
    v = j.get("version") or {}
    return types_pb2.Header(
        version=version.Consensus(block=int(v.get("block") or 0), app=int(v.get("app") or 0)),
        chain_id=j["chain_id"], height=int(j["height"]), time=_time(j["time"]),
        last_block_id=block_id(j.get("last_block_id") or {}),
        last_commit_hash=_hex(j.get("last_commit_hash")), data_hash=_hex(j.get("data_hash")),
        validators_hash=_hex(j.get("validators_hash")), next_validators_hash=_hex(j.get("next_validators_hash")),
        consensus_hash=_hex(j.get("consensus_hash")), app_hash=_hex(j.get("app_hash")),
        last_results_hash=_hex(j.get("last_results_hash")), evidence_hash=_hex(j.get("evidence_hash")),
        proposer_address=_hex(j.get("proposer_address")),
    )


def commit(j: J) -> types_pb2.Commit:
    sigs = [
        types_pb2.CommitSig(
            block_id_flag=int(s.get("block_id_flag") or 0), validator_address=_hex(s.get("validator_address")),
            timestamp=_time(s["timestamp"]), signature=base64.b64decode(s.get("signature") or ""),
        )
        for s in j.get("signatures") or ()
    ]
    return types_pb2.Commit(
        height=int(j.get("height") or 0), round=int(j.get("round") or 0),
        block_id=block_id(j.get("block_id") or {}), signatures=sigs,
    )


def block(j: J) -> block_pb2.Block:
    txs = [base64.b64decode(t) for t in (j.get("data") or {}).get("txs") or ()]
    return block_pb2.Block(
        header=header(j["header"]), data=types_pb2.Data(txs=txs),
        evidence=block_pb2.EvidenceList(), last_commit=commit(j.get("last_commit") or {}),
    )


async def fetch_block(comet: Any, height: int | None) -> query_pb2.GetLatestBlockResponse:
    """The block at ``height`` (None: the latest) as ``GetLatestBlockResponse`` (the same
    fields as ``GetBlockByHeightResponse``)."""
    if height is not None and height <= 0:
        raise errors.bad_request(f"invalid height {height}: expected a positive integer")
    params = {"height": str(height)} if height is not None else {}
    try:
        out = await comet.call("block", **params)
    except CometError as e:
        raise errors.bad_request(e.text) from None
    return query_pb2.GetLatestBlockResponse(block_id=block_id(out["block_id"]), block=block(out["block"]))


async def latest_block(ctx: Context, req: Request) -> dict[str, Any]:
    return protojson.to_json(await fetch_block(ctx.comet, None))


async def block_by_height(ctx: Context, req: Request) -> dict[str, Any]:
    height = req.params["height"]
    if not height.isdigit() or len(height) > 19:
        raise errors.bad_request(f"invalid height {height!r}: expected a positive integer")
    return protojson.to_json(await fetch_block(ctx.comet, int(height)))


async def node_info(ctx: Context, req: Request) -> dict[str, Any]:
    return protojson.to_json(await fetch_node_info(ctx.comet, ctx.config))


async def fetch_node_info(comet: Any, cfg: Any) -> query_pb2.GetNodeInfoResponse:
    """``GetNodeInfo`` from CometBFT's ``status`` and ``cfg``'s app name and version."""
    info = (await comet.call("status"))["node_info"]
    pv, other = info.get("protocol_version") or {}, info.get("other") or {}
    node = p2p.DefaultNodeInfo(
        protocol_version=p2p.ProtocolVersion(
            p2p=int(pv.get("p2p") or 0), block=int(pv.get("block") or 0), app=int(pv.get("app") or 0)
        ),
        default_node_id=info.get("id") or "", listen_addr=info.get("listen_addr") or "",
        network=info.get("network") or "", version=info.get("version") or "", channels=_hex(info.get("channels")),
        moniker=info.get("moniker") or "",
        other=p2p.DefaultNodeInfoOther(tx_index=other.get("tx_index") or "", rpc_address=other.get("rpc_address") or ""),
    )
    app = query_pb2.VersionInfo(name=cfg.app_name, app_name=cfg.app_name, version=cfg.app_version)
    return query_pb2.GetNodeInfoResponse(default_node_info=node, application_version=app)


#: CometBFT's amino key names -> the SDK's ``Any`` type URLs.
_KEY_TYPES = {
    "tendermint/PubKeyEd25519": ("/cosmos.crypto.ed25519.PubKey", ed25519.PubKey),
    "tendermint/PubKeySecp256k1": ("/cosmos.crypto.secp256k1.PubKey", secp256k1.PubKey),
}


def validator(j: J) -> query_pb2.Validator:
    key = j.get("pub_key") or {}
    type_url, cls = _KEY_TYPES.get(key.get("type") or "", ("", None))
    out = query_pb2.Validator(
        address=to_bech32(_hex(j.get("address")), VALCONS_PREFIX), voting_power=int(j.get("voting_power") or 0),
        proposer_priority=int(j.get("proposer_priority") or 0),
    )
    if cls is not None:
        out.pub_key.CopyFrom(AnyPb(type_url=type_url, value=cls(key=base64.b64decode(key["value"])).SerializeToString()))
    return out


async def fetch_validator_set(comet: Any, height: int | None, page: Any) -> query_pb2.GetValidatorSetByHeightResponse:
    """The validator set at ``height`` (None: latest) from CometBFT's ``validators``, with
    offset/limit pagination (at most 100 a page)."""
    if height is not None and height <= 0:
        raise errors.bad_request(f"invalid height {height}: expected a positive integer")
    limit = min(page.limit or 100, 100)
    params: dict[str, str] = {"page": str(page.offset // limit + 1), "per_page": str(limit)}
    if height is not None:
        params["height"] = str(height)
    try:
        out = await comet.call("validators", **params)
    except CometError as e:
        raise errors.bad_request(e.text) from None
    resp = query_pb2.GetValidatorSetByHeightResponse(
        block_height=int(out["block_height"]), validators=[validator(v) for v in out.get("validators") or ()]
    )
    resp.pagination.total = int(out.get("total") or 0)
    return resp


async def latest_validators(ctx: Context, req: Request) -> dict[str, Any]:
    return with_page(protojson.to_json(await fetch_validator_set(ctx.comet, None, pagination(req))))


async def validators_at(ctx: Context, req: Request) -> dict[str, Any]:
    height = req.params["height"]
    if not height.isdigit() or len(height) > 19:
        raise errors.bad_request(f"invalid height {height!r}: expected a positive integer")
    return with_page(protojson.to_json(await fetch_validator_set(ctx.comet, int(height), pagination(req))))


async def syncing(ctx: Context, req: Request) -> dict[str, Any]:
    return protojson.to_json(await fetch_syncing(ctx.comet))


async def fetch_syncing(comet: Any) -> query_pb2.GetSyncingResponse:
    status = await comet.call("status")
    return query_pb2.GetSyncingResponse(syncing=bool((status.get("sync_info") or {}).get("catching_up")))


PREFIX = "/cosmos/base/tendermint/v1beta1/"
ROUTES = {
    ("GET", PREFIX + "blocks/latest"): latest_block,
    ("GET", PREFIX + "blocks/{height}"): block_by_height,
    ("GET", PREFIX + "node_info"): node_info,
    ("GET", PREFIX + "syncing"): syncing,
    ("GET", PREFIX + "validatorsets/latest"): latest_validators,
    ("GET", PREFIX + "validatorsets/{height}"): validators_at,
}
