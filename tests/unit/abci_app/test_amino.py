"""SIGN_MODE_LEGACY_AMINO_JSON (abci_app.cosmos_tx.amino and every module's amino form), with cosmjs
(npm, tests/e2e/js/amino_oracle.mjs) as the oracle: its ``makeSignDoc``/``serializeSignDoc``
must produce our sign bytes byte for byte, and its amino-signed txs must verify here."""

from __future__ import annotations

import base64
import json
import pickle
import subprocess
from pathlib import Path
from typing import Any

import pytest
from coincurve import PrivateKey
from pysei_tokenfactory import module as tokenfactory
from pysei_tokenfactory.pb.cosmos.bank.v1beta1 import bank_pb2
from pysei_tokenfactory.pb.seiprotocol.seichain.tokenfactory import tx_pb2 as tf_tx

from abci_app.cosmos_tx import amino, builder
from abci_app.cosmos_tx.decode import (
    SIGN_MODE_LEGACY_AMINO_JSON,
    decode_cosmos_tx,
    sign_bytes,
    verify_signature,
)
from abci_app.cosmos_tx.simulate import simulate
from abci_app.module_api import MsgHandler
from abci_app.modules import bank, wasm
from abci_app.modules.staking.module import distribution, slashing, staking
from ledger import codes
from ledger.addresses import VALOPER_PREFIX, sei_address_from_pubkey, to_bech32
from ledger.codes import TxError
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from pysei_pb.cosmos.crypto.ed25519 import keys_pb2 as ed25519
from pysei_pb.cosmos.distribution.v1beta1 import tx_pb2 as distr_tx
from pysei_pb.cosmos.slashing.v1beta1 import tx_pb2 as slashing_tx
from pysei_pb.cosmos.staking.v1beta1 import staking_pb2
from pysei_pb.cosmos.staking.v1beta1 import tx_pb2 as staking_tx
from pysei_pb.cosmos.tx.v1beta1 import service_pb2
from pysei_pb.cosmwasm.wasm.v1 import tx_pb2 as wasm_tx
from pysei_pb.cosmwasm.wasm.v1 import types_pb2 as wasm_types

ORACLE = Path(__file__).resolve().parents[2] / "e2e" / "js" / "amino_oracle.mjs"
CHAIN = "pysei-local-1"
KEY = bytes.fromhex("01" * 32)
PUB = PrivateKey(KEY).public_key.format(compressed=True)
RAW = sei_address_from_pubkey(PUB)
ME = to_bech32(RAW)
VALOPER = to_bech32(RAW, VALOPER_PREFIX)
OTHER = "sei1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5jwagqa"
OTHER_VALOPER = to_bech32(bytes.fromhex("0102030405060708090a0b0c0d0e0f1011121314"), VALOPER_PREFIX)
CONTRACT = "sei14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9sh9m79m"
ACCOUNT, SEQUENCE = 7, 3
MAX = 1 << 20


def _handlers() -> dict[str, MsgHandler]:
    out: dict[str, MsgHandler] = {}
    for m in (bank.module(), staking(), distribution(), slashing(), wasm.module(), tokenfactory.module()):
        out.update(m.messages)
    return out


HANDLERS = _handlers()


def coin(amount: str = "1000", denom: str = "usei") -> coin_pb2.Coin:
    return coin_pb2.Coin(denom=denom, amount=amount)


def description(**kw: str) -> staking_pb2.Description:
    fields = dict(moniker="val<1>", identity="ID", website="https://a.b/?x=1&y=2", security_contact="s@x", details="d")
    fields.update(kw)
    return staking_pb2.Description(**fields)


# Messages cosmjs converts itself (stargate's default and cosmwasm's converters).
COSMJS_CASES: dict[str, tuple[list[Any], dict[str, Any]]] = {
    "bank-send": ([bank_tx.MsgSend(from_address=ME, to_address=OTHER, amount=[coin()])], {}),
    "bank-send-two-coins-fee-memo": (
        [bank_tx.MsgSend(from_address=ME, to_address=OTHER, amount=[coin("1", "uatom"), coin("5")])],
        {"fee_amount": (("usei", 2000), ("uatom", 1)), "memo": "a<b>&c \u00e9 \u65e5 \"q\" \\ \n\t"},
    ),
    "bank-send-no-fee": ([bank_tx.MsgSend(from_address=ME, to_address=OTHER, amount=[coin()])], {"fee_amount": 0}),
    "bank-send-timeout-height": (
        [bank_tx.MsgSend(from_address=ME, to_address=OTHER, amount=[coin()])], {"timeout_height": 123456}
    ),
    "two-messages": (
        [
            bank_tx.MsgSend(from_address=ME, to_address=OTHER, amount=[coin()]),
            staking_tx.MsgDelegate(delegator_address=ME, validator_address=OTHER_VALOPER, amount=coin("7")),
        ],
        {},
    ),
    "staking-delegate": (
        [staking_tx.MsgDelegate(delegator_address=ME, validator_address=OTHER_VALOPER, amount=coin("7"))], {}
    ),
    "staking-undelegate": (
        [staking_tx.MsgUndelegate(delegator_address=ME, validator_address=OTHER_VALOPER, amount=coin("7"))], {}
    ),
    "staking-redelegate": (
        [
            staking_tx.MsgBeginRedelegate(
                delegator_address=ME, validator_src_address=OTHER_VALOPER,
                validator_dst_address=VALOPER, amount=coin("7"),
            )
        ],
        {},
    ),
    "staking-edit-validator": (
        [staking_tx.MsgEditValidator(description=description(), validator_address=VALOPER, min_self_delegation="5")],
        {},
    ),
    "distribution-withdraw-rewards": (
        [distr_tx.MsgWithdrawDelegatorReward(delegator_address=ME, validator_address=OTHER_VALOPER)], {}
    ),
    "distribution-set-withdraw-address": (
        [distr_tx.MsgSetWithdrawAddress(delegator_address=ME, withdraw_address=OTHER)], {}
    ),
    "wasm-store-code": ([wasm_tx.MsgStoreCode(sender=ME, wasm_byte_code=b"\x00asm\x01\x00\x00\x00")], {}),
    "wasm-store-code-permission": (
        [
            wasm_tx.MsgStoreCode(
                sender=ME, wasm_byte_code=b"\x00asm",
                instantiate_permission=wasm_types.AccessConfig(
                    permission=wasm_types.ACCESS_TYPE_ANY_OF_ADDRESSES, addresses=[ME, OTHER]
                ),
            )
        ],
        {},
    ),
    "wasm-instantiate": (
        [
            wasm_tx.MsgInstantiateContract(
                sender=ME, admin=OTHER, code_id=12, label="my <label>",
                msg=b'{"z": 1, "a": {"y": [1.5, 1e21, 1e-7, 123456789012345678901, -0.0001], "b": "\\u003c&"}}',
                funds=[coin("3")],
            )
        ],
        {},
    ),
    "wasm-instantiate-no-admin-no-funds": (
        [wasm_tx.MsgInstantiateContract(sender=ME, code_id=1, label="x", msg=b"{}")], {}
    ),
    "wasm-execute": (
        [wasm_tx.MsgExecuteContract(sender=ME, contract=CONTRACT, msg=b'{"transfer":{"amount":"10","to":"x"}}')],
        {},
    ),
    "wasm-execute-funds": (
        [wasm_tx.MsgExecuteContract(sender=ME, contract=CONTRACT, msg=b'{"a":null,"b":true}', funds=[coin("9")])],
        {},
    ),
    "wasm-migrate": (
        [wasm_tx.MsgMigrateContract(sender=ME, contract=CONTRACT, code_id=4, msg=b'{"m":[]}')], {}
    ),
    "wasm-update-admin": ([wasm_tx.MsgUpdateAdmin(sender=ME, new_admin=OTHER, contract=CONTRACT)], {}),
    "wasm-clear-admin": ([wasm_tx.MsgClearAdmin(sender=ME, contract=CONTRACT)], {}),
}

DENOM = f"factory/{ME}/coin"
ED_KEY = bytes(range(32))
# Messages cosmjs has no converter for: the amino value expected from the Go structs' tags
# (SDK slashing/staking, Sei tokenfactory); cosmjs still serializes the sign doc.
LITERAL_CASES: dict[str, tuple[Any, dict[str, Any]]] = {
    "slashing-unjail": (
        slashing_tx.MsgUnjail(validator_addr=VALOPER),
        {"type": "cosmos-sdk/MsgUnjail", "value": {"address": VALOPER}},
    ),
    "staking-create-validator": (
        staking_tx.MsgCreateValidator(
            description=description(identity="", details=""),
            commission=staking_pb2.CommissionRates(rate="0.1", max_rate="0.2", max_change_rate="0.01"),
            min_self_delegation="1", delegator_address=ME, validator_address=VALOPER,
            pubkey=builder.pack("/cosmos.crypto.ed25519.PubKey", ed25519.PubKey(key=ED_KEY)), value=coin("100"),
        ),
        {
            "type": "cosmos-sdk/MsgCreateValidator",
            "value": {
                "description": {"moniker": "val<1>", "website": "https://a.b/?x=1&y=2", "security_contact": "s@x"},
                "commission": {
                    "rate": "0.100000000000000000", "max_rate": "0.200000000000000000",
                    "max_change_rate": "0.010000000000000000",
                },
                "min_self_delegation": "1",
                "delegator_address": ME,
                "validator_address": VALOPER,
                "pubkey": {"type": "tendermint/PubKeyEd25519", "value": base64.b64encode(ED_KEY).decode()},
                "value": {"amount": "100", "denom": "usei"},
            },
        },
    ),
    "staking-edit-validator-commission": (
        staking_tx.MsgEditValidator(description=description(moniker=""), validator_address=VALOPER, commission_rate="0.05"),
        {
            "type": "cosmos-sdk/MsgEditValidator",
            "value": {
                "description": {"identity": "ID", "website": "https://a.b/?x=1&y=2", "security_contact": "s@x", "details": "d"},
                "validator_address": VALOPER,
                "commission_rate": "0.050000000000000000",
            },
        },
    ),
    "tokenfactory-create-denom": (
        tf_tx.MsgCreateDenom(sender=ME, subdenom="coin"),
        {"type": "tokenfactory/create-denom", "value": {"sender": ME, "subdenom": "coin"}},
    ),
    "tokenfactory-mint": (
        tf_tx.MsgMint(sender=ME, amount=coin("5", DENOM)),
        {"type": "tokenfactory/mint", "value": {"sender": ME, "amount": {"amount": "5", "denom": DENOM}}},
    ),
    "tokenfactory-burn": (
        tf_tx.MsgBurn(sender=ME, amount=coin("5", DENOM)),
        {"type": "tokenfactory/burn", "value": {"sender": ME, "amount": {"amount": "5", "denom": DENOM}}},
    ),
    "tokenfactory-change-admin": (
        tf_tx.MsgChangeAdmin(sender=ME, denom=DENOM, new_admin=OTHER),
        {"type": "tokenfactory/change-admin", "value": {"sender": ME, "denom": DENOM, "new_admin": OTHER}},
    ),
    "tokenfactory-set-denom-metadata": (
        tf_tx.MsgSetDenomMetadata(
            sender=ME,
            metadata=bank_pb2.Metadata(
                base=DENOM, display="COIN", symbol="COIN", name="Coin",
                denom_units=[bank_pb2.DenomUnit(denom=DENOM), bank_pb2.DenomUnit(denom="COIN", exponent=6, aliases=["c"])],
            ),
        ),
        {
            "type": "tokenfactory/set-denom-metadata",
            "value": {
                "sender": ME,
                "metadata": {
                    "base": DENOM, "display": "COIN", "symbol": "COIN", "name": "Coin",
                    "denom_units": [{"denom": DENOM}, {"denom": "COIN", "exponent": 6, "aliases": ["c"]}],
                },
            },
        },
    ),
}


def amino_tx(msgs: list[Any], **kw: Any) -> bytes:
    args: dict[str, Any] = dict(
        chain_id=CHAIN, account_number=ACCOUNT, sequence=SEQUENCE, fee_amount=2000, gas_limit=200_000
    )
    args.update(kw)
    return builder.build_and_sign(KEY, msgs, amino=HANDLERS, **args)


def _fee(raw: bytes) -> dict[str, Any]:
    tx = decode_cosmos_tx(raw, MAX, HANDLERS)
    return {"amount": [{"amount": str(a), "denom": d} for d, a in tx.fee], "gas": str(tx.gas_limit)}


def _oracle(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = subprocess.run(
        ["node", str(ORACLE)], input=json.dumps(requests), capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def cosmjs() -> dict[str, dict[str, Any]]:
    """Every case's answers from one node run: sign doc, signed tx, serialized literal doc."""
    requests, keys = [], []
    for name, (msgs, kw) in COSMJS_CASES.items():
        raw = amino_tx(msgs, **kw)
        b64 = base64.b64encode(raw).decode()
        requests.append({"op": "signdoc", "tx": b64, "chain_id": CHAIN, "account_number": ACCOUNT})
        requests.append(
            {"op": "sign", "key": KEY.hex(), "tx": b64, "chain_id": CHAIN, "account_number": ACCOUNT,
             "sequence": SEQUENCE, "fee": _fee(raw)}
        )
        keys += [(name, "signdoc"), (name, "sign")]
    for name, (_, expected) in LITERAL_CASES.items():
        requests.append(
            {"op": "serialize", "msgs": [expected], "fee": {"amount": [{"amount": "2000", "denom": "usei"}], "gas": "200000"},
             "chain_id": CHAIN, "memo": "m&<>", "account_number": ACCOUNT, "sequence": SEQUENCE}
        )
        keys.append((name, "serialize"))
    answers: dict[str, dict[str, Any]] = {}
    for (name, op), answer in zip(keys, _oracle(requests), strict=True):
        answers.setdefault(name, {})[op] = answer
    return answers


@pytest.mark.parametrize("name", list(COSMJS_CASES))
def test_sign_bytes_equal_cosmjs_sign_doc(name: str, cosmjs: dict[str, dict[str, Any]]) -> None:
    msgs, kw = COSMJS_CASES[name]
    tx = decode_cosmos_tx(amino_tx(msgs, **kw), MAX, HANDLERS)
    assert tx.sign_mode == SIGN_MODE_LEGACY_AMINO_JSON
    ours = sign_bytes(tx, CHAIN, ACCOUNT)
    assert ours == bytes.fromhex(cosmjs[name]["signdoc"]["hex"]), ours
    assert verify_signature(tx, CHAIN, ACCOUNT)


@pytest.mark.parametrize("name", list(COSMJS_CASES))
def test_cosmjs_amino_signed_tx_verifies_and_equals_ours(name: str, cosmjs: dict[str, dict[str, Any]]) -> None:
    msgs, kw = COSMJS_CASES[name]
    theirs = base64.b64decode(cosmjs[name]["sign"]["tx"])
    tx = decode_cosmos_tx(theirs, MAX, HANDLERS)
    assert tx.sign_mode == SIGN_MODE_LEGACY_AMINO_JSON
    assert verify_signature(tx, CHAIN, ACCOUNT)
    assert not verify_signature(tx, CHAIN, ACCOUNT + 1)
    assert not verify_signature(tx, "other-chain", ACCOUNT)
    ours = decode_cosmos_tx(amino_tx(msgs, **kw), MAX, HANDLERS)
    # RFC 6979: the same signature and auth info (cosmjs rebuilds a contract message's
    # bytes from its parsed JSON, so only the body may differ).
    assert (tx.signature, tx.auth_info_bytes, tx.amino_msgs) == (ours.signature, ours.auth_info_bytes, ours.amino_msgs)
    if name != "wasm-instantiate":
        assert tx.body_bytes == ours.body_bytes


@pytest.mark.parametrize("name", list(LITERAL_CASES))
def test_amino_form_of_messages_cosmjs_cannot_convert(name: str, cosmjs: dict[str, dict[str, Any]]) -> None:
    msg, expected = LITERAL_CASES[name]
    type_url = "/" + msg.DESCRIPTOR.full_name
    handler = HANDLERS[type_url]
    handler.validate(msg)
    assert handler.amino(msg) == expected
    ours = amino.sign_doc_bytes(
        chain_id=CHAIN, account_number=ACCOUNT, sequence=SEQUENCE, fee=(("usei", 2000),), gas_limit=200_000,
        memo="m&<>", msgs=amino.Raw(amino.msgs_json([handler.amino(msg)])),
    )
    assert ours == bytes.fromhex(cosmjs[name]["serialize"]["hex"])
    tx = decode_cosmos_tx(amino_tx([msg], memo="m&<>"), MAX, HANDLERS)
    assert sign_bytes(tx, CHAIN, ACCOUNT) == ours and verify_signature(tx, CHAIN, ACCOUNT)


def test_every_native_message_has_an_amino_form() -> None:
    assert sorted(url for url, h in HANDLERS.items() if h.amino is None) == []
    assert len(HANDLERS) == 20


def test_sign_doc_layout() -> None:
    doc = amino.sign_doc_bytes(
        chain_id="c", account_number=1, sequence=2, fee=(), gas_limit=3, memo="",
        msgs=amino.Raw("[]"), timeout_height=9,
    )
    assert doc == (
        b'{"account_number":"1","chain_id":"c","fee":{"amount":[],"gas":"3"},"memo":"","msgs":[],'
        b'"sequence":"2","timeout_height":"9"}'
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"), (-0.0, "0"), (1.5, "1.5"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
        (123456789012345678901.0, "123456789012345680000"), (1e-7, "1e-7"), (0.000001, "0.000001"),
        (-2.5e-8, "-2.5e-8"), (1.7976931348623157e308, "1.7976931348623157e+308"), (0.1 + 0.2, "0.30000000000000004"),
    ],
)
def test_numbers_print_as_javascript_does(value: float, text: str) -> None:
    assert amino.js_number(value) == text


def test_canonical_json_sorts_and_escapes() -> None:
    value = {"b": [1.0, {"y": "<&>", "x": None}], "a": True, "c": "\u2028\u00e9\b"}
    assert amino.canonical_json(value) == '{"a":true,"b":[1,{"x":null,"y":"\\u003c\\u0026\\u003e"}],"c":"\\u2028\u00e9\\b"}'


def test_contract_message_numbers_overflowing_doubles_are_refused() -> None:
    msg = wasm_tx.MsgExecuteContract(sender=ME, contract=CONTRACT, msg=b'{"a":1e999}')
    raw = builder.tx_raw(
        builder.body_bytes([msg]),
        builder.auth_info_bytes(PUB, SEQUENCE, (("usei", 2000),), 200_000, SIGN_MODE_LEGACY_AMINO_JSON),
        [b"\x01" * 64],
    )
    with pytest.raises(TxError) as e:
        decode_cosmos_tx(raw, MAX, HANDLERS)
    assert e.value.code == codes.TX_DECODE


def test_amino_mode_refuses_extension_options() -> None:
    msg = bank_tx.MsgSend(from_address=ME, to_address=OTHER, amount=[coin()])
    raw = builder.tx_raw(
        builder.body_bytes([msg], chain_id=CHAIN),
        builder.auth_info_bytes(PUB, SEQUENCE, (("usei", 2000),), 200_000, SIGN_MODE_LEGACY_AMINO_JSON),
        [b"\x01" * 64],
    )
    with pytest.raises(TxError) as e:
        decode_cosmos_tx(raw, MAX, HANDLERS)
    assert e.value.code == codes.INVALID_REQUEST
    assert "does not support protobuf extension options" in e.value.log


def test_message_without_amino_form_is_refused_in_amino_mode() -> None:
    send = HANDLERS[bank.SEND]
    handlers = {bank.SEND: MsgHandler(send.type_url, send.decode, send.signers, send.validate, send.execute)}
    raw = amino_tx([bank_tx.MsgSend(from_address=ME, to_address=OTHER, amount=[coin()])])
    with pytest.raises(TxError) as e:
        decode_cosmos_tx(raw, MAX, handlers)
    assert e.value.code == codes.UNKNOWN_REQUEST
    assert "has no amino JSON form" in e.value.log


def test_tampered_amino_tx_fails_verification() -> None:
    raw = amino_tx([bank_tx.MsgSend(from_address=ME, to_address=OTHER, amount=[coin()])], memo="one")
    tx = decode_cosmos_tx(raw, MAX, HANDLERS)
    other = decode_cosmos_tx(amino_tx([bank_tx.MsgSend(from_address=ME, to_address=OTHER, amount=[coin("1001")])]), MAX, HANDLERS)
    forged = builder.tx_raw(other.body_bytes, other.auth_info_bytes, [tx.signature])
    assert verify_signature(tx, CHAIN, ACCOUNT)
    assert not verify_signature(decode_cosmos_tx(forged, MAX, HANDLERS), CHAIN, ACCOUNT)


def test_amino_tx_pickles_for_occ_workers() -> None:
    tx = decode_cosmos_tx(amino_tx(COSMJS_CASES["wasm-instantiate"][0]), MAX, HANDLERS)
    back = pickle.loads(pickle.dumps(tx))
    assert back == tx and back.amino_msgs == tx.amino_msgs
    assert verify_signature(back, CHAIN, ACCOUNT)


def test_simulate_accepts_an_amino_signed_tx(chain) -> None:
    msg = bank_tx.MsgSend(from_address=chain.alice.bech32, to_address=chain.bob.bech32, amount=[coin("10")])
    raw = builder.build_and_sign(
        chain.alice.priv, [msg], chain_id=chain.ctx.chain_id, account_number=0, sequence=0,
        fee_amount=2000, gas_limit=200_000, amino=chain.handlers,
    )
    request = service_pb2.SimulateRequest(tx_bytes=raw).SerializeToString()
    resp = service_pb2.SimulateResponse.FromString(simulate(request, chain.view, chain.ctx, chain.handlers, MAX))
    assert [r.type_url for r in resp.result.msg_responses] == [bank.SEND + "Response"]
    assert resp.gas_info.gas_used > 0
