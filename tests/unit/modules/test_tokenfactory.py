"""pysei_tokenfactory: the five messages, their errors, queries and genesis round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from pysei_tokenfactory import denoms
from pysei_tokenfactory.pb.cosmos.bank.v1beta1 import bank_pb2
from pysei_tokenfactory.pb.seiprotocol.seichain.tokenfactory import query_pb2, tx_pb2

from abci_app.cli.scaffold.module_stubs import stale
from abci_app.module_api import MsgError
from ledger import bank, codes
from ledger.codes import TxError
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2

from .conftest import ALICE, BOB, CAROL, FEE, Chain, DictView

QUERY = "/seiprotocol.seichain.tokenfactory.Query/"


def coin(denom: str, amount: int) -> coin_pb2.Coin:
    return coin_pb2.Coin(denom=denom, amount=str(amount))


def create(chain: Chain, key=ALICE, subdenom: str = "gold") -> str:
    res = chain.tx(key, tx_pb2.MsgCreateDenom(sender=key.bech32, subdenom=subdenom))
    assert res.code == 0, res.log
    return f"factory/{key.bech32}/{subdenom}"


def query(chain: Chain, method: str, request) -> bytes:
    return chain.module("tokenfactory").queries[QUERY + method](request.SerializeToString(), chain.view, 1)


def test_create_mint_send_burn_change_admin(chain: Chain) -> None:
    denom = create(chain)
    assert ("create_denom" in {e.type for e in chain.tx(ALICE, tx_pb2.MsgCreateDenom(
        sender=ALICE.bech32, subdenom="silver")).events})
    assert chain.tx(ALICE, tx_pb2.MsgMint(sender=ALICE.bech32, amount=coin(denom, 1_000))).code == 0
    send = bank_tx.MsgSend(from_address=ALICE.bech32, to_address=BOB.bech32, amount=[coin(denom, 300)])
    assert chain.tx(ALICE, send).code == 0
    assert chain.tx(ALICE, tx_pb2.MsgBurn(sender=ALICE.bech32, amount=coin(denom, 200))).code == 0
    assert (bank.balance(chain.view, ALICE.address, denom), bank.balance(chain.view, BOB.address, denom)) == (500, 300)
    assert bank.supply(chain.view, denom) == 800
    res = chain.tx(ALICE, tx_pb2.MsgChangeAdmin(sender=ALICE.bech32, denom=denom, new_admin=CAROL.bech32))
    assert res.code == 0, res.log
    got = query_pb2.QueryDenomAuthorityMetadataResponse.FromString(
        query(chain, "DenomAuthorityMetadata", query_pb2.QueryDenomAuthorityMetadataRequest(denom=denom)))
    assert got.authority_metadata.admin == CAROL.bech32
    assert chain.tx(CAROL, tx_pb2.MsgMint(sender=CAROL.bech32, amount=coin(denom, 7))).code == 0
    assert bank.supply(chain.view, denom) == 807
    listed = query_pb2.QueryDenomsFromCreatorResponse.FromString(
        query(chain, "DenomsFromCreator", query_pb2.QueryDenomsFromCreatorRequest(creator=ALICE.bech32)))
    assert list(listed.denoms) == [denom, f"factory/{ALICE.bech32}/silver"]


def test_non_admin_mint_is_rejected_and_changes_nothing(chain: Chain) -> None:
    denom = create(chain)
    before, bob_usei = chain.view.snapshot(), bank.balance(chain.view, BOB.address)
    res = chain.tx(BOB, tx_pb2.MsgMint(sender=BOB.bech32, amount=coin(denom, 5)))
    assert (res.code, res.codespace) == (denoms.UNAUTHORIZED, "tokenfactory")
    assert "unauthorized account" in res.log and "is not the admin of " + denom in res.log
    after = chain.view.snapshot()
    assert after["tokenfactory"] == before["tokenfactory"]
    assert bank.balance(chain.view, BOB.address, denom) == 0 and bank.supply(chain.view, denom) == 0
    assert bank.balance(chain.view, BOB.address) == bob_usei - FEE  # only the ante step's fee


@pytest.mark.parametrize(
    ("msg", "code"),
    [
        (lambda d: tx_pb2.MsgBurn(sender=BOB.bech32, amount=coin(d, 1)), denoms.UNAUTHORIZED),
        (lambda d: tx_pb2.MsgChangeAdmin(sender=BOB.bech32, denom=d, new_admin=BOB.bech32), denoms.UNAUTHORIZED),
        (lambda d: tx_pb2.MsgMint(sender=BOB.bech32, amount=coin(f"factory/{BOB.bech32}/none", 1)),
         denoms.DENOM_NOT_FOUND),
        (lambda d: tx_pb2.MsgCreateDenom(sender=ALICE.bech32, subdenom="gold"), denoms.DENOM_EXISTS),
    ],
)
def test_rejections(chain: Chain, msg, code: int) -> None:
    denom = create(chain)
    m = msg(denom)
    signer = ALICE if getattr(m, "sender", "") == ALICE.bech32 else BOB
    res = chain.tx(signer, m)
    assert res.code == code, res.log


def test_burn_above_balance_is_insufficient_funds(chain: Chain) -> None:
    denom = create(chain)
    res = chain.tx(ALICE, tx_pb2.MsgBurn(sender=ALICE.bech32, amount=coin(denom, 1)))
    assert res.code == codes.INSUFFICIENT_FUNDS


@pytest.mark.parametrize(
    "msg",
    [
        tx_pb2.MsgCreateDenom(sender=ALICE.bech32, subdenom="x" * 45),
        tx_pb2.MsgCreateDenom(sender="sei1nope", subdenom="gold"),
        tx_pb2.MsgMint(sender=ALICE.bech32, amount=coin("usei", 1)),
        tx_pb2.MsgMint(sender=ALICE.bech32, amount=coin(f"factory/{ALICE.bech32}/gold", 0)),
        tx_pb2.MsgChangeAdmin(sender=ALICE.bech32, denom=f"factory/{ALICE.bech32}/gold", new_admin=""),
    ],
)
def test_stateless_checks_refuse_bad_messages(chain: Chain, msg) -> None:
    with pytest.raises(TxError):
        chain.tx(ALICE, msg)


def test_set_denom_metadata_reaches_the_bank_store(chain: Chain) -> None:
    denom = create(chain)
    meta = bank_pb2.Metadata(
        base=denom, display="gold", name="Gold", symbol="GLD", description="shiny",
        denom_units=[bank_pb2.DenomUnit(denom=denom, exponent=0), bank_pb2.DenomUnit(denom="gold", exponent=6)],
    )
    assert chain.tx(ALICE, tx_pb2.MsgSetDenomMetadata(sender=ALICE.bech32, metadata=meta)).code == 0
    stored = denoms.metadata(chain.view, denom)
    assert stored is not None and (stored["symbol"], stored["denom_units"][1]["exponent"]) == ("GLD", 6)
    bad = bank_pb2.Metadata(base=denom, denom_units=[bank_pb2.DenomUnit(denom="gold", exponent=6)])
    with pytest.raises(TxError):
        chain.tx(ALICE, tx_pb2.MsgSetDenomMetadata(sender=ALICE.bech32, metadata=bad))
    res = chain.tx(BOB, tx_pb2.MsgSetDenomMetadata(sender=BOB.bech32, metadata=meta))
    assert res.code == denoms.UNAUTHORIZED


def test_queries_report_unknown_denoms_and_bad_requests(chain: Chain) -> None:
    with pytest.raises(MsgError) as e:
        query(chain, "DenomAuthorityMetadata", query_pb2.QueryDenomAuthorityMetadataRequest(denom="factory/x/y"))
    assert e.value.code == codes.NOT_FOUND
    with pytest.raises(MsgError) as e:
        query(chain, "DenomsFromCreator", query_pb2.QueryDenomsFromCreatorRequest(creator="nope"))
    assert e.value.code == codes.INVALID_ADDRESS


def test_genesis_round_trip_rebuilds_the_store(chain: Chain) -> None:
    gold, silver = create(chain), create(chain, BOB, "silver")
    chain.tx(BOB, tx_pb2.MsgChangeAdmin(sender=BOB.bech32, denom=silver, new_admin=CAROL.bech32))
    tf = chain.module("tokenfactory")
    exported = tf.export_genesis(chain.view)  # type: ignore[misc]
    assert sorted(exported["factory_denoms"], key=lambda d: d["denom"]) == sorted(
        [
            {"denom": gold, "authority_metadata": {"admin": ALICE.bech32}},
            {"denom": silver, "authority_metadata": {"admin": CAROL.bech32}},
        ],
        key=lambda d: d["denom"],
    )
    fresh = DictView()
    tf.init_genesis(fresh, exported)  # type: ignore[misc]
    assert fresh.snapshot()["tokenfactory"] == chain.view.snapshot()["tokenfactory"]
    with pytest.raises(ValueError):
        tf.init_genesis(DictView(), {"factory_denoms": [{"denom": "usei"}]})  # type: ignore[misc]


def test_generated_stubs_are_current() -> None:


    folder = Path(__file__).resolve().parents[3] / "modules" / "tokenfactory"
    assert stale(folder / "proto", folder, "pysei_tokenfactory.pb") == []
