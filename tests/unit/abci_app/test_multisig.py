"""Multisig signers (abci_app.cosmos_tx.multisig) against cosmjs (npm): the multisig address
(``pubkeyToAddress``), txs cosmjs builds with ``makeMultisignedTxBytes`` from amino
signatures, pysei's own builder, the threshold, and the ante step on a multisig account."""

from __future__ import annotations

import base64
import json
import pickle
import subprocess
from pathlib import Path
from typing import Any

import pytest
from coincurve import PrivateKey

from abci_app.cosmos_tx import builder, multisig
from abci_app.cosmos_tx.decode import decode_cosmos_tx, verify_signature
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from abci_app.modules import bank
from ledger import accounts, codes
from ledger import bank as ledger_bank
from ledger.addresses import to_bech32
from ledger.codes import TxError
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from pysei_pb.cosmos.tx.signing.v1beta1 import signing_pb2
from pysei_pb.cosmos.tx.v1beta1 import tx_pb2

ORACLE = Path(__file__).resolve().parents[2] / "e2e" / "js" / "amino_oracle.mjs"
CHAIN, ACCOUNT, SEQUENCE = "pysei-test-1", 4, 2
KEYS = [bytes([i]) * 32 for i in (3, 4, 5, 6, 7)]
PUBS = [PrivateKey(k).public_key.format(compressed=True) for k in KEYS]
HANDLERS = bank.module().messages
MAX = 1 << 20
FEE = {"amount": [{"amount": "5000", "denom": "usei"}], "gas": "300000"}
TO = "sei1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5jwagqa"

#: name -> (number of keys, threshold, indices that sign)
CASES = {"2-of-3 by 0,2": (3, 2, [0, 2]), "2-of-3 by all": (3, 2, [0, 1, 2]), "1-of-1": (1, 1, [0]),
         "3-of-5 by 1,3,4": (5, 3, [1, 3, 4]), "2-of-2": (2, 2, [0, 1])}


def send(n: int, threshold: int) -> bank_tx.MsgSend:
    sender = to_bech32(multisig.address(threshold, PUBS[:n]))
    return bank_tx.MsgSend(from_address=sender, to_address=TO, amount=[coin_pb2.Coin(denom="usei", amount="77")])


def unsigned(n: int, threshold: int) -> bytes:
    """The body cosmjs takes its messages and memo from (its auth info is not used)."""
    body = builder.body_bytes([send(n, threshold)], memo="multi & sig")
    return builder.tx_raw(body, builder.auth_info_bytes(PUBS[0], 0, (), 0), [b""])


@pytest.fixture(scope="module")
def cosmjs() -> dict[str, dict[str, Any]]:
    requests = [
        {"op": "multisig", "keys": [k.hex() for k in KEYS[:n]], "threshold": t, "signers": signers,
         "tx": base64.b64encode(unsigned(n, t)).decode(), "fee": FEE, "chain_id": CHAIN,
         "account_number": ACCOUNT, "sequence": SEQUENCE}
        for n, t, signers in CASES.values()
    ]
    out = subprocess.run(["node", str(ORACLE)], input=json.dumps(requests), capture_output=True, text=True,
                         timeout=120, check=True)
    return dict(zip(CASES, json.loads(out.stdout), strict=True))


def ours(n: int, threshold: int, signers: list[int]) -> bytes:
    """The same tx built with pysei's builder (what ``pysei tx multisign`` writes)."""
    msg = send(n, threshold)
    sigs = [builder.sign_amino(KEYS[i], [msg], HANDLERS, chain_id=CHAIN, account_number=ACCOUNT, sequence=SEQUENCE,
                               fee=(("usei", 5000),), gas_limit=300_000, memo="multi & sig") for i in signers]
    auth = builder.multisig_auth_info_bytes(threshold, PUBS[:n], signers, SEQUENCE, (("usei", 5000),), 300_000)
    body = builder.body_bytes([msg], memo="multi & sig")
    return builder.tx_raw(body, auth, [builder.multisig_signature(sigs)])


@pytest.mark.parametrize("name", list(CASES))
def test_multisig_address_is_cosmjs(name: str, cosmjs: dict[str, dict[str, Any]]) -> None:
    n, threshold, _ = CASES[name]
    assert to_bech32(multisig.address(threshold, PUBS[:n])) == cosmjs[name]["address"]


@pytest.mark.parametrize("name", list(CASES))
def test_cosmjs_multisigned_tx_verifies(name: str, cosmjs: dict[str, dict[str, Any]]) -> None:
    n, threshold, signers = CASES[name]
    tx = decode_cosmos_tx(base64.b64decode(cosmjs[name]["tx"]), MAX, HANDLERS)
    assert tx.multisig is not None and tx.pubkey == b""
    assert to_bech32(tx.signer) == cosmjs[name]["address"]
    assert (tx.multisig.threshold, tx.multisig.signed, tx.sequence) == (threshold, tuple(signers), SEQUENCE)
    assert verify_signature(tx, CHAIN, ACCOUNT)
    assert not verify_signature(tx, CHAIN, ACCOUNT + 1)


@pytest.mark.parametrize("name", list(CASES))
def test_builder_writes_cosmjs_bytes(name: str, cosmjs: dict[str, dict[str, Any]]) -> None:
    assert ours(*CASES[name]) == base64.b64decode(cosmjs[name]["tx"])


def _with_signatures(raw: bytes, signatures: list[bytes], signed: list[int] | None = None) -> bytes:
    txraw = tx_pb2.TxRaw.FromString(raw)
    auth = tx_pb2.AuthInfo.FromString(txraw.auth_info_bytes)
    if signed is not None:
        info = auth.signer_infos[0]
        info.mode_info.CopyFrom(multisig.mode_info(len(PUBS[:3]), signed))
    return builder.tx_raw(txraw.body_bytes, auth.SerializeToString(), [builder.multisig_signature(signatures)])


def test_below_threshold_is_refused() -> None:
    raw = ours(3, 2, [0, 1])
    sigs = list(decode_cosmos_tx(raw, MAX, HANDLERS).multisig.signatures)
    with pytest.raises(TxError) as e:
        decode_cosmos_tx(_with_signatures(raw, sigs[:1], [0]), MAX, HANDLERS)
    assert e.value.code == codes.UNAUTHORIZED and "threshold 2" in e.value.log


def test_a_swapped_signature_fails() -> None:
    raw = ours(3, 2, [0, 1])
    sigs = list(decode_cosmos_tx(raw, MAX, HANDLERS).multisig.signatures)
    forged = decode_cosmos_tx(_with_signatures(raw, sigs[::-1]), MAX, HANDLERS)
    assert not verify_signature(forged, CHAIN, ACCOUNT)


@pytest.mark.parametrize(
    ("mutate", "log"),
    [
        (lambda info: setattr(info.mode_info.multi.bitarray, "extra_bits_stored", 4), "bit array of 4 bits"),
        (lambda info: info.mode_info.multi.mode_infos[0].single.__setattr__("mode", signing_pb2.SIGN_MODE_DIRECT),
         "only SIGN_MODE_LEGACY_AMINO_JSON"),
        (lambda info: info.mode_info.CopyFrom(tx_pb2.ModeInfo(single=tx_pb2.ModeInfo.Single(mode=127))), "multi mode info"),
        (lambda info: info.public_key.CopyFrom(multisig.pubkey_any(4, PUBS[:3])), "threshold 4 of 3 keys"),
        (lambda info: info.public_key.CopyFrom(multisig.pubkey_any(1, PUBS[:1] * 8)), "8 keys"),
        (lambda info: info.public_key.CopyFrom(multisig.pubkey_any(2, (PUBS[0], b"\x02" + bytes(32), PUBS[2]))),
         "invalid secp256k1 key"),
    ],
)
def test_malformed_multisig_is_refused(mutate, log: str) -> None:
    raw = ours(3, 2, [0, 1])
    txraw = tx_pb2.TxRaw.FromString(raw)
    auth = tx_pb2.AuthInfo.FromString(txraw.auth_info_bytes)
    mutate(auth.signer_infos[0])
    with pytest.raises(TxError) as e:
        decode_cosmos_tx(builder.tx_raw(txraw.body_bytes, auth.SerializeToString(), list(txraw.signatures)), MAX, HANDLERS)
    assert e.value.code == codes.UNAUTHORIZED and log in e.value.log, e.value.log


def test_multisig_account_sends_through_the_ante_step(chain) -> None:
    address = multisig.address(2, PUBS[:3])
    ledger_bank.add(chain.view, address, "usei", 1_000_000)
    accounts.put_account(chain.view, accounts.Account(address, ACCOUNT, SEQUENCE, b""))
    raw = ours(3, 2, [0, 2])
    tx = decode_cosmos_tx(raw, MAX, chain.handlers)
    result = execute_cosmos_tx(tx, chain.ctx.__class__(**{**chain.ctx.__dict__, "chain_id": CHAIN}), chain.view,
                            chain.handlers)
    assert result.code == codes.OK, result.log
    assert ledger_bank.balance(chain.view, address, "usei") == 1_000_000 - 77 - 5000
    after = accounts.get_account(chain.view, address)
    assert (after.sequence, after.pubkey) == (SEQUENCE + 1, b"")
    assert accounts.associated_evm(chain.view, address) is None


def test_multisig_tx_pickles_for_occ_workers() -> None:
    tx = decode_cosmos_tx(ours(3, 2, [0, 2]), MAX, HANDLERS)
    back = pickle.loads(pickle.dumps(tx))
    assert back == tx and back.multisig == tx.multisig
    assert verify_signature(back, CHAIN, ACCOUNT)
