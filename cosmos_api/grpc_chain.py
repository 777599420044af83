"""The gRPC methods CometBFT answers rather than the app's state: ``GetTx``,
``BroadcastTx``, ``GetTxsEvent`` and ``GetBlockWithTxs`` of ``cosmos.tx.v1beta1.Service`` and the ``cosmos.base.tendermint.v1beta1``
service, on the same code as their REST routes (``tx``, ``tendermint``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from google.protobuf.message import DecodeError, Message

from cosmos_api import errors, tendermint, tx
from cosmos_api.api import RestConfig
from pysei_pb.cosmos.base.tendermint.v1beta1 import query_pb2 as tm
from pysei_pb.cosmos.tx.v1beta1 import service_pb2

#: ``(CometBFT client, request bytes) -> response message``.
ChainMethod = Callable[[Any, bytes], Awaitable[Message]]


def _request(cls: type[Message], data: bytes) -> Any:
    try:
        return cls.FromString(data)
    except DecodeError as e:
        raise errors.bad_request(f"invalid {cls.DESCRIPTOR.full_name}: {e}") from None


async def _get_tx(comet: Any, data: bytes) -> Message:
    return await tx.fetch_tx(comet, _request(service_pb2.GetTxRequest, data).hash)


async def _broadcast(comet: Any, data: bytes) -> Message:
    return await tx.broadcast_tx(comet, _request(service_pb2.BroadcastTxRequest, data))


async def _search(comet: Any, data: bytes) -> Message:
    return await tx.search_txs(comet, _request(service_pb2.GetTxsEventRequest, data))


async def _block_with_txs(comet: Any, data: bytes) -> Message:
    return await tx.block_with_txs(comet, _request(service_pb2.GetBlockWithTxsRequest, data))


async def _latest_block(comet: Any, data: bytes) -> Message:
    _request(tm.GetLatestBlockRequest, data)
    return await tendermint.fetch_block(comet, None)


async def _block_by_height(comet: Any, data: bytes) -> Message:
    found = await tendermint.fetch_block(comet, _request(tm.GetBlockByHeightRequest, data).height)
    return tm.GetBlockByHeightResponse(block_id=found.block_id, block=found.block)


async def _latest_validators(comet: Any, data: bytes) -> Message:
    request = _request(tm.GetLatestValidatorSetRequest, data)
    found = await tendermint.fetch_validator_set(comet, None, request.pagination)
    return tm.GetLatestValidatorSetResponse(block_height=found.block_height, validators=found.validators,
                                            pagination=found.pagination)


async def _validators_at(comet: Any, data: bytes) -> Message:
    request = _request(tm.GetValidatorSetByHeightRequest, data)
    return await tendermint.fetch_validator_set(comet, request.height, request.pagination)


async def _syncing(comet: Any, data: bytes) -> Message:
    _request(tm.GetSyncingRequest, data)
    return await tendermint.fetch_syncing(comet)


def chain_methods(config: RestConfig) -> dict[str, ChainMethod]:
    """gRPC path -> method; ``config`` gives ``GetNodeInfo``'s app name and version."""

    async def node_info(comet: Any, data: bytes) -> Message:
        _request(tm.GetNodeInfoRequest, data)
        return await tendermint.fetch_node_info(comet, config)

    tx_service, tm_service = "/cosmos.tx.v1beta1.Service/", "/cosmos.base.tendermint.v1beta1.Service/"
    return {
        tx_service + "GetTx": _get_tx,
        tx_service + "BroadcastTx": _broadcast,
        tx_service + "GetTxsEvent": _search,
        tx_service + "GetBlockWithTxs": _block_with_txs,
        tm_service + "GetLatestBlock": _latest_block,
        tm_service + "GetBlockByHeight": _block_by_height,
        tm_service + "GetNodeInfo": node_info,
        tm_service + "GetSyncing": _syncing,
        tm_service + "GetLatestValidatorSet": _latest_validators,
        tm_service + "GetValidatorSetByHeight": _validators_at,
    }
