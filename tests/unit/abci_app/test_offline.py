"""abci_app.cosmos_tx.offline and the keyring's multisig records: the unsigned-tx file, single and
multisig offline signing checked by the node's own decoder and verifier."""

from __future__ import annotations

import pytest
from coincurve import PrivateKey

from abci_app.cli.keyring import Keyring, KeyringError
from abci_app.cosmos_tx import builder, multisig, offline
from abci_app.cosmos_tx.decode import decode_cosmos_tx, verify_signature
from abci_app.modules import bank
from ledger.addresses import sei_address_from_pubkey, to_bech32
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2

HANDLERS = bank.module().messages
KEYS = [bytes([i]) * 32 for i in (11, 12, 13)]
PUBS = [PrivateKey(k).public_key.format(compressed=True) for k in KEYS]


def unsigned(sender: str) -> offline.UnsignedTx:
    msg = bank_tx.MsgSend(from_address=sender, to_address=sender, amount=[coin_pb2.Coin(denom="usei", amount="5")])
    return offline.UnsignedTx("c-1", 9, 4, sender, builder.body_bytes([msg], "m"), (("usei", 3000),), 250_000)


def test_unsigned_file_round_trip() -> None:
    tx = unsigned(to_bech32(sei_address_from_pubkey(PUBS[0])))
    assert offline.UnsignedTx.from_json(tx.to_json()) == tx
    for bad in ({}, {**tx.to_json(), "type": "x"}, {**tx.to_json(), "body": "!!"}, {**tx.to_json(), "fee": "5"}):
        with pytest.raises(offline.OfflineError):
            offline.UnsignedTx.from_json(bad)


def test_single_key_offline_tx_verifies() -> None:
    tx = unsigned(to_bech32(sei_address_from_pubkey(PUBS[0])))
    decoded = decode_cosmos_tx(offline.signed_tx(KEYS[0], tx, HANDLERS), 1 << 20, HANDLERS)
    assert (decoded.sequence, decoded.fee, decoded.gas_limit, decoded.memo) == (4, (("usei", 3000),), 250_000, "m")
    assert verify_signature(decoded, "c-1", 9)
    assert not verify_signature(decoded, "c-2", 9)


def test_multisig_offline_tx_verifies_and_checks_members(tmp_path) -> None:
    ring = Keyring(tmp_path)
    ms = ring.add_multisig("ms", 2, PUBS)
    assert ring.get_multisig("ms") == ms and ms.sei_address == multisig.address(2, PUBS)
    tx = unsigned(ms.bech32)
    parts = [offline.read_partial(offline.partial_signature(KEYS[i], tx, HANDLERS)) for i in (2, 0)]
    decoded = decode_cosmos_tx(offline.multisigned_tx(tx, ms, parts, HANDLERS), 1 << 20, HANDLERS)
    assert decoded.multisig.signed == (0, 2) and verify_signature(decoded, "c-1", 9)
    with pytest.raises(offline.OfflineError, match="1 signatures, the multisig needs 2"):
        offline.multisigned_tx(tx, ms, parts[:1], HANDLERS)
    stranger = bytes([14]) * 32
    with pytest.raises(offline.OfflineError, match="not a member"):
        offline.multisigned_tx(tx, ms, [offline.read_partial(offline.partial_signature(stranger, tx, HANDLERS))], HANDLERS)
    wrong = offline.UnsignedTx(tx.chain_id, tx.account_number, tx.sequence + 1, tx.signer, tx.body, tx.fee, tx.gas)
    with pytest.raises(offline.OfflineError, match="does not sign this tx"):
        offline.multisigned_tx(wrong, ms, parts, HANDLERS)


def test_keyring_multisig_rules(tmp_path) -> None:
    ring = Keyring(tmp_path)
    ring.import_hex("a", KEYS[0].hex())
    ring.add_multisig("ms", 1, PUBS[:2])
    assert [k.name for k in ring.keys()] == ["a"] and [m.name for m in ring.multisigs()] == ["ms"]
    with pytest.raises(KeyringError, match="is a multisig"):
        ring.get("ms")
    with pytest.raises(KeyringError, match="threshold 3"):
        ring.add_multisig("bad", 3, PUBS[:2])
    with pytest.raises(KeyringError, match="must differ"):
        ring.add_multisig("dup", 1, [PUBS[0], PUBS[0]])
