"""abci_app.modules.auth and bank: genesis import/export, queries; abci_app.cosmos_tx.simulate."""

from __future__ import annotations

import pytest

from abci_app.cosmos_tx import builder
from abci_app.cosmos_tx.decode import decode_cosmos_tx
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from abci_app.cosmos_tx.simulate import PATH, simulate, simulate_route
from abci_app.module_api import MsgError
from abci_app.modules import auth, bank
from ledger import bank as ledger_bank
from ledger import codes
from ledger.addresses import FEE_COLLECTOR
from pysei_pb.cosmos.auth.v1beta1 import auth_pb2
from pysei_pb.cosmos.auth.v1beta1 import query_pb2 as auth_query
from pysei_pb.cosmos.bank.v1beta1 import query_pb2 as bank_query
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from pysei_pb.cosmos.crypto.secp256k1 import keys_pb2
from pysei_pb.cosmos.tx.v1beta1 import service_pb2


def query(module, path: str, request, view) -> bytes:
    return module.queries[path](request.SerializeToString(), view, 1)


def test_balance_query_always_has_a_balance(chain) -> None:
    b = bank.module()
    path = "/cosmos.bank.v1beta1.Query/Balance"
    got = bank_query.QueryBalanceResponse.FromString(
        query(b, path, bank_query.QueryBalanceRequest(address=chain.alice.bech32, denom="usei"), chain.view)
    )
    assert (got.balance.denom, got.balance.amount) == ("usei", "10000000")
    empty = bank_query.QueryBalanceResponse.FromString(
        query(b, path, bank_query.QueryBalanceRequest(address=chain.bob.bech32, denom="usei"), chain.view)
    )
    assert empty.HasField("balance") and empty.balance.amount == "0"
    with pytest.raises(MsgError) as e:
        query(b, path, bank_query.QueryBalanceRequest(address="sei1bad", denom="usei"), chain.view)
    assert e.value.code == codes.INVALID_ADDRESS


def test_all_balances_and_supply(chain) -> None:
    ledger_bank.mint(chain.view, chain.alice.address, "uatom", 5)
    b = bank.module()
    got = bank_query.QueryAllBalancesResponse.FromString(
        query(
            b,
            "/cosmos.bank.v1beta1.Query/AllBalances",
            bank_query.QueryAllBalancesRequest(address=chain.alice.bech32),
            chain.view,
        )
    )
    assert [(c.denom, c.amount) for c in got.balances] == [("uatom", "5"), ("usei", "10000000")]
    supply = bank_query.QuerySupplyOfResponse.FromString(
        query(
            b,
            "/cosmos.bank.v1beta1.Query/SupplyOf",
            bank_query.QuerySupplyOfRequest(denom="usei"),
            chain.view,
        )
    )
    assert supply.amount.amount == "10000000"


def test_account_query(chain) -> None:
    a = auth.module()
    path = "/cosmos.auth.v1beta1.Query/Account"
    with pytest.raises(MsgError) as e:
        query(a, path, auth_query.QueryAccountRequest(address=chain.bob.bech32), chain.view)
    assert e.value.code == codes.NOT_FOUND and "rpc error: code = NotFound" in e.value.log
    resp = auth_query.QueryAccountResponse.FromString(
        query(a, path, auth_query.QueryAccountRequest(address=chain.alice.bech32), chain.view)
    )
    assert resp.account.type_url == "/cosmos.auth.v1beta1.BaseAccount"
    acc = auth_pb2.BaseAccount.FromString(resp.account.value)
    assert (acc.address, acc.account_number, acc.sequence, acc.HasField("pub_key")) == (
        chain.alice.bech32,
        0,
        0,
        False,
    )
    _send(chain)
    acc = auth_pb2.BaseAccount.FromString(
        auth_query.QueryAccountResponse.FromString(
            query(a, path, auth_query.QueryAccountRequest(address=chain.alice.bech32), chain.view)
        ).account.value
    )
    assert acc.sequence == 1 and acc.pub_key.type_url == "/cosmos.crypto.secp256k1.PubKey"
    assert keys_pb2.PubKey.FromString(acc.pub_key.value).key == chain.alice.pubkey


def _send(chain, amount: int = 1000):
    msg = bank_tx.MsgSend(
        from_address=chain.alice.bech32,
        to_address=chain.bob.bech32,
        amount=[coin_pb2.Coin(denom="usei", amount=str(amount))],
    )
    raw = builder.build_and_sign(
        chain.alice.priv, [(bank.SEND, msg)], chain.ctx.chain_id, 0, 0, 2000, 200_000
    )
    result = execute_cosmos_tx(
        decode_cosmos_tx(raw, 1 << 20, chain.handlers), chain.ctx, chain.view, chain.handlers
    )
    assert result.code == codes.OK, result.log
    return result


def test_genesis_round_trip(chain, DictView) -> None:
    fee = _send(chain).fee_wei
    # what the app does at the end of the block
    ledger_bank.set_wei_balance(
        chain.view, FEE_COLLECTOR, ledger_bank.wei_balance(chain.view, FEE_COLLECTOR) + fee
    )
    ledger_bank.set_wei_balance(
        chain.view, chain.bob.address, ledger_bank.wei_balance(chain.view, chain.bob.address) + 7
    )
    exported = {
        "auth": auth.module().export_genesis(chain.view),
        "bank": bank.module().export_genesis(chain.view),
    }
    assert exported["bank"]["supply"] == [{"denom": "usei", "amount": "10000000"}]
    assert exported["bank"]["wei_remainders"] == [{"address": chain.bob.bech32, "amount": "7"}]
    assert [a["account_number"] for a in exported["auth"]["accounts"]] == ["0", "1"]
    fresh = DictView()
    auth.module().init_genesis(fresh, exported["auth"])
    bank.module().init_genesis(fresh, exported["bank"])
    original = chain.view.snapshot()
    restored = fresh.snapshot()
    assert restored["bank"] == original["bank"]
    # EVM associations (also in ``acc``) belong to the evm module's genesis
    assert restored["acc"] == {k: v for k, v in original["acc"].items() if k[:1] not in (b"e", b"s")}
    assert auth.module().export_genesis(fresh)["accounts"] == exported["auth"]["accounts"]


def test_genesis_numbers_accounts_in_order_and_checks_supply(chain, DictView) -> None:
    view = DictView()
    auth.module().init_genesis(
        view, {"accounts": [{"address": chain.bob.bech32, "pub_key": chain.bob.pubkey.hex()}]}
    )
    bank.module().init_genesis(
        view,
        {
            "balances": [
                {"address": chain.alice.bech32, "coins": [{"denom": "usei", "amount": "5"}]},
                {"address": chain.bob.bech32, "coins": [{"denom": "usei", "amount": "6"}]},
            ]
        },
    )
    numbers = {a["address"]: a["account_number"] for a in auth.module().export_genesis(view)["accounts"]}
    assert numbers == {chain.bob.bech32: "0", chain.alice.bech32: "1"}
    with pytest.raises(ValueError):
        bank.module().init_genesis(
            DictView(),
            {
                "balances": [{"address": chain.alice.bech32, "coins": [{"denom": "usei", "amount": "5"}]}],
                "supply": [{"denom": "usei", "amount": "6"}],
            },
        )


def test_simulate_estimates_what_the_signed_tx_uses(chain) -> None:
    msg = bank_tx.MsgSend(
        from_address=chain.alice.bech32,
        to_address=chain.bob.bech32,
        amount=[coin_pb2.Coin(denom="usei", amount="10")],
    )
    # what cosmjs sends: empty signature, unspecified sign mode, empty fee
    body = builder.body_bytes([(bank.SEND, msg)])
    auth_info = builder.auth_info_bytes(chain.alice.pubkey, 0, (), 0, sign_mode=0)
    request = service_pb2.SimulateRequest(tx_bytes=builder.tx_raw(body, auth_info, [b""]))
    before = chain.view.snapshot()
    resp = service_pb2.SimulateResponse.FromString(
        simulate(request.SerializeToString(), chain.view, chain.ctx, chain.handlers, 1 << 20)
    )
    assert chain.view.snapshot() == before
    route = simulate_route(chain.handlers, lambda view, height: chain.ctx, 1 << 20)
    assert route(request.SerializeToString(), chain.view, 1) == resp.SerializeToString()
    assert PATH == "/cosmos.tx.v1beta1.Service/Simulate"
    assert [r.type_url for r in resp.result.msg_responses] == [bank.SEND + "Response"]
    assert any(e.type == "transfer" for e in resp.result.events)
    assert resp.gas_info.gas_used >= _send(chain, 10).gas_used
    too_much = bank_tx.MsgSend(
        from_address=chain.alice.bech32,
        to_address=chain.bob.bech32,
        amount=[coin_pb2.Coin(denom="usei", amount="99999999")],
    )
    body = builder.body_bytes([(bank.SEND, too_much)])
    auth_info = builder.auth_info_bytes(chain.alice.pubkey, 1, (), 0)
    with pytest.raises(MsgError) as e:
        simulate(
            service_pb2.SimulateRequest(tx_bytes=builder.tx_raw(body, auth_info, [b""])).SerializeToString(),
            chain.view,
            chain.ctx,
            chain.handlers,
            1 << 20,
        )
    assert e.value.code == codes.INSUFFICIENT_FUNDS
