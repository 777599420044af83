"""The Cosmos gRPC server on a real node: reflection lists the services (what grpcurl
does), a grpcio client reads balances (also at an old height through the
``x-cosmos-block-height`` header), an account and validators, and bad calls get gRPC
status codes while the node keeps producing blocks."""

from __future__ import annotations

import json
from collections.abc import Iterator

import grpc
import pytest
from google.protobuf import descriptor_pool
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from abci_app.cosmos_tx.builder import build_and_sign
from ledger.addresses import to_bech32
from pysei_pb.cosmos.auth.v1beta1 import auth_pb2
from pysei_pb.cosmos.auth.v1beta1 import query_pb2 as auth_query
from pysei_pb.cosmos.bank.v1beta1 import query_pb2 as bank_query
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.tendermint.v1beta1 import query_pb2 as tm_query
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from pysei_pb.cosmos.staking.v1beta1 import query_pb2 as staking_query
from pysei_pb.cosmos.tx.v1beta1 import service_pb2
from tests.e2e.conftest import E2E

pytestmark = pytest.mark.e2e

HEIGHT = "x-cosmos-block-height"


@pytest.fixture
def channel(e2e: E2E) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(e2e.node.grpc_target) as ch:
        yield ch


def call(channel: grpc.Channel, path: str, request, response_cls, height: int | None = None, timeout: float = 60):
    stub = channel.unary_unary(path, request_serializer=lambda m: m.SerializeToString(),
                               response_deserializer=response_cls.FromString)
    metadata = ((HEIGHT, str(height)),) if height is not None else None
    response, rpc = stub.with_call(request, metadata=metadata, timeout=timeout)
    return response, dict(rpc.initial_metadata())


def send(e2e: E2E, to: str, amount: int) -> int:
    node = e2e.node
    out = node.pysei(
        "tx", "bank", "send", "alice", to, f"{amount}usei", "--fees", "4000usei", "--gas", "200000",
        "--chain-id", node.chain_id, "--node", node.rpc_url, "--home", str(node.home), "--broadcast-mode", "commit",
    )
    result = json.loads(out.stdout)
    assert result["code"] == 0, result
    return int(result["height"])


def test_reflection_lists_the_services(channel: grpc.Channel) -> None:
    db = ProtoReflectionDescriptorDatabase(channel)
    services = set(db.get_services())
    assert {
        "cosmos.bank.v1beta1.Query", "cosmos.auth.v1beta1.Query", "cosmos.staking.v1beta1.Query",
        "cosmos.distribution.v1beta1.Query", "cosmwasm.wasm.v1.Query", "cosmos.tx.v1beta1.Service",
        "cosmos.base.tendermint.v1beta1.Service", "grpc.reflection.v1alpha.ServerReflection",
    } <= services
    pool = descriptor_pool.DescriptorPool(db)
    bank = pool.FindServiceByName("cosmos.bank.v1beta1.Query")
    assert {"Balance", "AllBalances"} <= {m.name for m in bank.methods}
    assert pool.FindMessageTypeByName("cosmos.bank.v1beta1.QueryBalanceResponse").fields_by_name["balance"]


def test_balance_now_and_at_an_old_height(e2e: E2E, channel: grpc.Channel) -> None:
    to = to_bech32(bytes([0x41]) * 20)
    first = send(e2e, to, 100)
    send(e2e, to, 23)
    request = bank_query.QueryBalanceRequest(address=to, denom="usei")
    path = "/cosmos.bank.v1beta1.Query/Balance"
    now, headers = call(channel, path, request, bank_query.QueryBalanceResponse)
    assert now.balance.amount == "123" and int(headers[HEIGHT]) > first
    old, headers = call(channel, path, request, bank_query.QueryBalanceResponse, height=first)
    assert (old.balance.amount, headers[HEIGHT]) == ("100", str(first))
    before, _ = call(channel, path, request, bank_query.QueryBalanceResponse, height=first - 1)
    assert before.balance.amount == "0"
    every, _ = call(channel, "/cosmos.bank.v1beta1.Query/AllBalances",
                    bank_query.QueryAllBalancesRequest(address=to), bank_query.QueryAllBalancesResponse)
    assert [(c.denom, c.amount) for c in every.balances] == [("usei", "123")]


def test_account_and_validators(e2e: E2E, channel: grpc.Channel) -> None:
    keys = json.loads((e2e.node.home / "keys" / "alice.json").read_text())
    out, _ = call(channel, "/cosmos.auth.v1beta1.Query/Account",
                  auth_query.QueryAccountRequest(address=keys["address"]), auth_query.QueryAccountResponse)
    assert out.account.type_url == "/cosmos.auth.v1beta1.BaseAccount"
    assert auth_pb2.BaseAccount.FromString(out.account.value).address == keys["address"]
    vals, _ = call(channel, "/cosmos.staking.v1beta1.Query/Validators",
                   staking_query.QueryValidatorsRequest(), staking_query.QueryValidatorsResponse)
    assert len(vals.validators) == 1 and vals.validators[0].operator_address.startswith("seivaloper1")


def test_broadcast_and_get_tx(e2e: E2E, channel: grpc.Channel) -> None:
    keys = json.loads((e2e.node.home / "keys" / "bob.json").read_text())
    account, _ = call(channel, "/cosmos.auth.v1beta1.Query/Account",
                      auth_query.QueryAccountRequest(address=keys["address"]), auth_query.QueryAccountResponse)
    acct = auth_pb2.BaseAccount.FromString(account.account.value)
    to = to_bech32(bytes([0x43]) * 20)
    msg = bank_tx.MsgSend(from_address=keys["address"], to_address=to, amount=[coin_pb2.Coin(denom="usei", amount="99")])
    raw = build_and_sign(bytes.fromhex(keys["privkey"].removeprefix("0x")), [msg], e2e.node.chain_id,
                         acct.account_number, acct.sequence, 4000, 200_000)
    sent, _ = call(channel, "/cosmos.tx.v1beta1.Service/BroadcastTx",
                   service_pb2.BroadcastTxRequest(tx_bytes=raw, mode=service_pb2.BROADCAST_MODE_BLOCK),
                   service_pb2.BroadcastTxResponse)
    assert sent.tx_response.code == 0 and sent.tx_response.height > 0
    got, _ = call(channel, "/cosmos.tx.v1beta1.Service/GetTx", service_pb2.GetTxRequest(hash=sent.tx_response.txhash),
                  service_pb2.GetTxResponse)
    assert (got.tx_response.txhash, got.tx_response.height) == (sent.tx_response.txhash, sent.tx_response.height)
    assert bank_tx.MsgSend.FromString(got.tx.body.messages[0].value) == msg
    balance, _ = call(channel, "/cosmos.bank.v1beta1.Query/Balance", bank_query.QueryBalanceRequest(address=to, denom="usei"),
                      bank_query.QueryBalanceResponse)
    assert balance.balance.amount == "99"


def test_search_txs_and_block_with_txs(e2e: E2E, channel: grpc.Channel) -> None:
    to = to_bech32(bytes([0x44]) * 20)
    height = send(e2e, to, 5)
    found, _ = call(channel, "/cosmos.tx.v1beta1.Service/GetTxsEvent",
                    service_pb2.GetTxsEventRequest(events=[f"transfer.recipient='{to}'"]), service_pb2.GetTxsEventResponse)
    assert found.total == 1 and found.tx_responses[0].height == height
    assert bank_tx.MsgSend.FromString(found.txs[0].body.messages[0].value).to_address == to
    block, _ = call(channel, "/cosmos.tx.v1beta1.Service/GetBlockWithTxs",
                    service_pb2.GetBlockWithTxsRequest(height=height), service_pb2.GetBlockWithTxsResponse)
    assert block.block.header.height == height and block.pagination.total == len(block.txs) >= 1


def test_blocks_and_node_info(e2e: E2E, channel: grpc.Channel) -> None:
    latest, _ = call(channel, "/cosmos.base.tendermint.v1beta1.Service/GetLatestBlock", tm_query.GetLatestBlockRequest(),
                     tm_query.GetLatestBlockResponse)
    height = latest.block.header.height
    assert height > 0 and latest.block.header.chain_id == e2e.node.chain_id
    same, _ = call(channel, "/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight",
                   tm_query.GetBlockByHeightRequest(height=height), tm_query.GetBlockByHeightResponse)
    assert same.block_id.hash == latest.block_id.hash
    assert same.block_id.hash.hex().upper() == e2e.node.rpc("block", height=str(height))["block_id"]["hash"]
    info, _ = call(channel, "/cosmos.base.tendermint.v1beta1.Service/GetNodeInfo", tm_query.GetNodeInfoRequest(),
                   tm_query.GetNodeInfoResponse)
    assert info.default_node_info.network == e2e.node.chain_id
    syncing, _ = call(channel, "/cosmos.base.tendermint.v1beta1.Service/GetSyncing", tm_query.GetSyncingRequest(),
                      tm_query.GetSyncingResponse)
    assert syncing.syncing is False
    vals, _ = call(channel, "/cosmos.base.tendermint.v1beta1.Service/GetValidatorSetByHeight",
                   tm_query.GetValidatorSetByHeightRequest(height=1), tm_query.GetValidatorSetByHeightResponse)
    assert vals.block_height == 1 and len(vals.validators) == 1
    assert vals.validators[0].address.startswith("seivalcons1") and vals.validators[0].voting_power > 0
    latest, _ = call(channel, "/cosmos.base.tendermint.v1beta1.Service/GetLatestValidatorSet",
                     tm_query.GetLatestValidatorSetRequest(), tm_query.GetLatestValidatorSetResponse)
    assert latest.validators == vals.validators and latest.pagination.total == 1


BAD_CALLS = {
    "malformed address": ("/cosmos.bank.v1beta1.Query/Balance",
                          bank_query.QueryBalanceRequest(address="sei1nope", denom="usei").SerializeToString(),
                          None, grpc.StatusCode.INVALID_ARGUMENT),
    "unknown account": ("/cosmos.auth.v1beta1.Query/Account",
                        auth_query.QueryAccountRequest(address=to_bech32(bytes([0x42]) * 20)).SerializeToString(),
                        None, grpc.StatusCode.NOT_FOUND),
    "unknown method": ("/cosmos.bank.v1beta1.Query/Nothing", b"", None, grpc.StatusCode.UNIMPLEMENTED),
    "unknown service": ("/cosmos.nothing.v1.Query/X", b"", None, grpc.StatusCode.UNIMPLEMENTED),
    "undecodable request": ("/cosmos.bank.v1beta1.Query/Balance", b"\xff\xff\xff", None, grpc.StatusCode.INVALID_ARGUMENT),
    "future height": ("/cosmos.bank.v1beta1.Query/SupplyOf", b"", "99999999", grpc.StatusCode.INVALID_ARGUMENT),
    "bad height": ("/cosmos.bank.v1beta1.Query/SupplyOf", b"", "-5", grpc.StatusCode.INVALID_ARGUMENT),
    "unknown tx": ("/cosmos.tx.v1beta1.Service/GetTx", service_pb2.GetTxRequest(hash="00" * 32).SerializeToString(),
                   None, grpc.StatusCode.NOT_FOUND),
    "undecodable tx": ("/cosmos.tx.v1beta1.Service/BroadcastTx",
                       service_pb2.BroadcastTxRequest(tx_bytes=b"\x01\x02", mode=2).SerializeToString(),
                       None, grpc.StatusCode.INVALID_ARGUMENT),
    "block height zero": ("/cosmos.base.tendermint.v1beta1.Service/GetBlockByHeight", b"", None,
                          grpc.StatusCode.INVALID_ARGUMENT),
    "oversized request": ("/cosmos.bank.v1beta1.Query/Balance", b"\x0a" + b"\xff" * 5_000_000, None,
                          grpc.StatusCode.RESOURCE_EXHAUSTED),
}


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_bad_calls_get_status_codes(e2e: E2E, channel: grpc.Channel, case: str) -> None:
    path, raw, height, status = BAD_CALLS[case]
    before = e2e.node.height()
    stub = channel.unary_unary(path)
    metadata = ((HEIGHT, height),) if height is not None else None
    with pytest.raises(grpc.RpcError) as e:
        stub(raw, metadata=metadata, timeout=20)
    assert e.value.code() == status, e.value.details()
    assert e.value.details()
    e2e.node.wait_height(before + 2, timeout=30)
