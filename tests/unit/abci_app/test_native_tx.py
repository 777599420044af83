"""abci_app.cosmos_tx.decode / builder: decoding, sign bytes, signatures, cosmjs byte compatibility."""

from __future__ import annotations

import hashlib
import pickle

import pytest
from coincurve import PrivateKey

from abci_app.cosmos_tx import builder
from abci_app.cosmos_tx.decode import decode_cosmos_tx, sign_bytes, verify_signature
from abci_app.modules import bank
from ledger import codes
from ledger.addresses import sei_address_from_pubkey, to_bech32
from ledger.codes import TxError
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from pysei_pb.cosmos.tx.signing.v1beta1 import signing_pb2
from pysei_pb.cosmos.tx.v1beta1 import service_pb2, tx_pb2

MAX = 1 << 20
HANDLERS = bank.module().messages
RECIPIENT = "sei1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5jwagqa"
# Produced by cosmjs 0.32.4 SigningStargateClient.sign (DirectSecp256k1Wallet, key 0x01 * 32,
# MsgSend 1000usei to RECIPIENT, fee 2000usei, gas 200000, memo "hello", account 7,
# sequence 3, chain "pysei-local-1") and by cosmjs' tx.simulate for the same message.
COSMJS_TX = bytes.fromhex(
    "0a90010a86010a1c2f636f736d6f732e62616e6b2e763162657461312e4d736753656e6412660a2a736569313078"
    "6371707a726b793665666632673532716479653533786b6b396a786b767276767432787a122a7365693171797071"
    "7870713971637273737a673270767871367273307a716733797963356a77616771611a0c0a047573656912043130"
    "3030120568656c6c6f12660a500a460a1f2f636f736d6f732e63727970746f2e736563703235366b312e5075624b"
    "657912230a21031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f12040a02080118"
    "0312120a0c0a047573656912043230303010c09a0c1a40349dd9660ae706ddc881e653e3674ed4f3c341882fcc8f"
    "f2c406e06cfba6fd295b04b8bc93e554a78b20deb9aaeebf4adb3c2b40c39e40599aba1bc8fc67d79c"
)
COSMJS_SIMULATE = bytes.fromhex(
    "12e2010a89010a86010a1c2f636f736d6f732e62616e6b2e763162657461312e4d736753656e6412660a2a736569"
    "3130786371707a726b793665666632673532716479653533786b6b396a786b767276767432787a122a7365693171"
    "7970717870713971637273737a673270767871367273307a716733797963356a77616771611a0c0a047573656912"
    "043130303012520a4e0a460a1f2f636f736d6f732e63727970746f2e736563703235366b312e5075624b65791223"
    "0a21031b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f12020a00180312001a00"
)
KEY = bytes.fromhex("01" * 32)


def send_msg(sender: str, to: str = RECIPIENT, amount: str = "1000", denom: str = "usei") -> bank_tx.MsgSend:
    return bank_tx.MsgSend(
        from_address=sender, to_address=to, amount=[coin_pb2.Coin(denom=denom, amount=amount)]
    )


def sender(key: bytes = KEY) -> str:

    return to_bech32(sei_address_from_pubkey(PrivateKey(key).public_key.format(compressed=True)))


def signed(key: bytes = KEY, **kw) -> bytes:
    args = dict(chain_id="pysei-local-1", account_number=7, sequence=3, fee_amount=2000, gas_limit=200_000)
    args.update(kw)
    msgs = args.pop("msgs", [(bank.SEND, send_msg(sender(key)))])
    return builder.build_and_sign(key, msgs, **args)


def rejected(raw: bytes, code: int, **kw) -> str:
    with pytest.raises(TxError) as e:
        decode_cosmos_tx(raw, kw.pop("max_bytes", MAX), HANDLERS, **kw)
    assert e.value.code == code, e.value.log
    return e.value.log


def test_builder_matches_cosmjs_bytes() -> None:
    raw = signed(memo="hello", with_chain_id=False)
    assert raw == COSMJS_TX


def test_cosmjs_tx_decodes_and_verifies() -> None:
    tx = decode_cosmos_tx(COSMJS_TX, MAX, HANDLERS)
    assert tx.signer_bech32 == "sei10xcqpzrky6eff2g52qdye53xkk9jxkvrvvt2xz"
    assert (tx.sequence, tx.gas_limit, tx.fee, tx.memo, tx.chain_id) == (
        3,
        200_000,
        (("usei", 2000),),
        "hello",
        None,
    )
    assert tx.hash == hashlib.sha256(COSMJS_TX).hexdigest().upper()
    assert tx.msgs[0][0] == bank.SEND and tx.msgs[0][1].amount[0].amount == "1000"
    assert tx.msg_gas == bank.SEND_GAS and tx.size == len(COSMJS_TX)
    assert verify_signature(tx, "pysei-local-1", 7)
    assert not verify_signature(tx, "pysei-local-1", 8)
    assert not verify_signature(tx, "other-chain", 7)


def test_sign_bytes_are_the_sign_doc() -> None:
    tx = decode_cosmos_tx(signed(), MAX, HANDLERS)
    doc = sign_bytes(tx, "pysei-local-1", 7)
    # field 1 body, field 2 auth info, field 3 chain id, field 4 account number (varint)
    expected = (
        b"\x0a" + bytes([len(tx.body_bytes)]) + tx.body_bytes
        if len(tx.body_bytes) < 128
        else b"\x0a" + _varint(len(tx.body_bytes)) + tx.body_bytes
    )
    expected += b"\x12" + _varint(len(tx.auth_info_bytes)) + tx.auth_info_bytes
    expected += b"\x1a" + _varint(13) + b"pysei-local-1" + b"\x20\x07"
    assert doc == expected
    parsed = tx_pb2.SignDoc.FromString(doc)
    assert (parsed.chain_id, parsed.account_number) == ("pysei-local-1", 7)
    # account number 0 is omitted, as cosmjs does
    assert not sign_bytes(tx, "c", 0).endswith(b"\x20\x00")


def _varint(n: int) -> bytes:
    out = b""
    while True:
        b, n = n & 0x7F, n >> 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def test_round_trip_and_chain_id_extension() -> None:
    tx = decode_cosmos_tx(signed(chain_id="pysei-local-1"), MAX, HANDLERS)
    assert tx.chain_id == "pysei-local-1"
    assert verify_signature(tx, "pysei-local-1", 7)
    assert pickle.loads(pickle.dumps(tx)) == tx


def test_high_s_and_tampered_signatures_fail() -> None:
    tx = decode_cosmos_tx(signed(), MAX, HANDLERS)
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    r, s = tx.signature[:32], int.from_bytes(tx.signature[32:], "big")
    high = tx.__class__(**{**tx.__dict__, "signature": r + (n - s).to_bytes(32, "big")})
    assert not verify_signature(high, "pysei-local-1", 7)
    flipped = tx.__class__(**{**tx.__dict__, "signature": bytes([tx.signature[0] ^ 1]) + tx.signature[1:]})
    assert not verify_signature(flipped, "pysei-local-1", 7)


def test_decode_rejections() -> None:
    assert "tx too large" in rejected(signed(), codes.TX_TOO_LARGE, max_bytes=100)
    rejected(b"\x0a\xff\xff", codes.TX_DECODE)
    rejected(b"\x0a\x02\x0a\x00\x28\x05", codes.TX_DECODE)  # unknown TxRaw field
    assert "unrecognized message type" in rejected(
        signed(msgs=[("/cosmos.gov.v1.MsgVote", b"")]), codes.UNKNOWN_REQUEST
    )
    rejected(signed(msgs=[(bank.SEND, send_msg(sender(), amount="0"))]), codes.INVALID_COINS)
    rejected(signed(msgs=[(bank.SEND, send_msg(sender(), denom="u"))]), codes.INVALID_COINS)
    rejected(
        signed(msgs=[(bank.SEND, send_msg(sender(), to="cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu"))]),
        codes.INVALID_ADDRESS,
    )
    rejected(signed(msgs=[(bank.SEND, send_msg(RECIPIENT))]), codes.UNAUTHORIZED)  # not the signer's msg
    rejected(signed(msgs=[]), codes.INVALID_REQUEST)
    rejected(signed(memo="x" * 257), codes.INVALID_REQUEST)
    rejected(signed(fee_amount=(("usei", 0),)), codes.INVALID_COINS)


def test_decode_rejects_foreign_signing_setups() -> None:
    pub = PrivateKey(KEY).public_key.format(compressed=True)
    body = builder.body_bytes([(bank.SEND, send_msg(sender()))])
    textual = builder.auth_info_bytes(pub, 0, (), 200_000, signing_pb2.SIGN_MODE_TEXTUAL)
    rejected(builder.tx_raw(body, textual, [b"\x01" * 64]), codes.UNAUTHORIZED)
    direct = builder.auth_info_bytes(pub, 0, (), 200_000)
    rejected(builder.tx_raw(body, direct, [b"\x01" * 64, b"\x01" * 64]), codes.UNAUTHORIZED)
    rejected(builder.tx_raw(body, direct, [b"\x01" * 63]), codes.UNAUTHORIZED)
    ext = tx_pb2.TxBody.FromString(body)
    ext.extension_options.add(type_url="/other.Extension")
    rejected(builder.tx_raw(ext.SerializeToString(), direct, [b"\x01" * 64]), codes.UNKNOWN_REQUEST)


def test_cosmjs_simulate_request_decodes_in_simulation_mode() -> None:

    raw = service_pb2.SimulateRequest.FromString(COSMJS_SIMULATE).tx_bytes
    rejected(raw, codes.UNAUTHORIZED)  # no signature: only Simulate accepts it
    tx = decode_cosmos_tx(raw, MAX, HANDLERS, simulate=True)
    assert tx.signature == b"" and tx.sequence == 3 and tx.fee == ()
