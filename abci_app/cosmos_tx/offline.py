"""Offline signing: the unsigned-tx file, its amino sign bytes, and the signed tx.

``pysei tx bank send … --generate-only`` writes an unsigned tx as JSON::

    {"type": "pysei/unsigned-tx", "chain_id": "…", "account_number": 7, "sequence": 3,
     "signer": "sei1…", "body": "<base64 TxBody>", "fee": "5000usei", "gas": 200000}

Every signer signs the same SIGN_MODE_LEGACY_AMINO_JSON doc of it (``sign_bytes``): a single
key makes the final tx at once (``signed_tx``); a multisig's members each make a partial
signature and ``multisigned_tx`` combines at least the threshold of them (in key order).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from coincurve import PrivateKey
from google.protobuf.message import DecodeError

from abci_app.cosmos_tx import amino, builder
from abci_app.cosmos_tx.coins import Coins, format_coins, parse_coins
from abci_app.cosmos_tx.decode import SIGN_MODE_LEGACY_AMINO_JSON
from abci_app.cosmos_tx.signature import verify_secp256k1
from abci_app.module_api import MsgHandler
from pysei_pb.cosmos.tx.v1beta1 import tx_pb2

KIND = "pysei/unsigned-tx"


class OfflineError(ValueError):
    """A malformed unsigned tx, a key that may not sign it, or too few signatures."""


@dataclass(frozen=True)
class UnsignedTx:
    chain_id: str
    account_number: int
    sequence: int
    signer: str  # sei1… of the account that pays and signs
    body: bytes  # a serialized TxBody (messages, memo, timeout height)
    fee: Coins
    gas: int

    def to_json(self) -> dict[str, Any]:
        return {
            "type": KIND, "chain_id": self.chain_id, "account_number": self.account_number,
            "sequence": self.sequence, "signer": self.signer, "body": base64.b64encode(self.body).decode(),
            "fee": format_coins(self.fee), "gas": self.gas,
        }

    @staticmethod
    def from_json(data: Any) -> UnsignedTx:
        if not isinstance(data, dict) or data.get("type") != KIND:
            raise OfflineError(f"not an unsigned tx file (its type must be {KIND})")
        try:
            return UnsignedTx(
                chain_id=str(data["chain_id"]), account_number=int(data["account_number"]),
                sequence=int(data["sequence"]), signer=str(data["signer"]),
                body=base64.b64decode(data["body"], validate=True), fee=parse_coins(str(data["fee"])),
                gas=int(data["gas"]),
            )
        except (KeyError, ValueError, TypeError) as e:
            raise OfflineError(f"malformed unsigned tx: {e}") from None


def _amino_msgs(tx: UnsignedTx, handlers: Mapping[str, MsgHandler]) -> tuple[str, str, int]:
    try:
        body = tx_pb2.TxBody.FromString(tx.body)
    except DecodeError as e:
        raise OfflineError(f"malformed tx body: {e}") from None
    converted = []
    for packed in body.messages:
        handler = handlers.get(packed.type_url)
        if handler is None or handler.amino is None:
            raise OfflineError(f"{packed.type_url} cannot be signed in amino JSON here")
        converted.append(handler.amino(handler.decode(packed.value)))
    return amino.msgs_json(converted), body.memo, body.timeout_height


def sign_bytes(tx: UnsignedTx, handlers: Mapping[str, MsgHandler]) -> bytes:
    """The amino JSON sign doc every signer of ``tx`` signs."""
    msgs, memo, timeout = _amino_msgs(tx, handlers)
    return amino.sign_doc_bytes(
        chain_id=tx.chain_id, account_number=tx.account_number, sequence=tx.sequence, fee=tx.fee,
        gas_limit=tx.gas, memo=memo, msgs=amino.Raw(msgs), timeout_height=timeout,
    )


def sign(privkey: bytes, tx: UnsignedTx, handlers: Mapping[str, MsgHandler]) -> bytes:
    """One key's 64-byte signature of ``tx``."""
    return PrivateKey(privkey).sign_recoverable(sign_bytes(tx, handlers))[:64]


def signed_tx(privkey: bytes, tx: UnsignedTx, handlers: Mapping[str, MsgHandler]) -> bytes:
    """The broadcastable ``TxRaw`` of ``tx`` signed by one key."""
    pubkey = PrivateKey(privkey).public_key.format(compressed=True)
    auth = builder.auth_info_bytes(pubkey, tx.sequence, tx.fee, tx.gas, SIGN_MODE_LEGACY_AMINO_JSON)
    return builder.tx_raw(tx.body, auth, [sign(privkey, tx, handlers)])


def multisigned_tx(
    tx: UnsignedTx, key: Any, signatures: Sequence[tuple[bytes, bytes]],
    handlers: Mapping[str, MsgHandler],
) -> bytes:
    """The ``TxRaw`` of ``tx`` signed by the multisig ``key`` (``threshold``, ``pubkeys``)
    from members' ``(pubkey, signature)`` pairs; each must be a member's valid signature."""
    message = sign_bytes(tx, handlers)
    by_index: dict[int, bytes] = {}
    for pubkey, sig in signatures:
        if pubkey not in key.pubkeys:
            raise OfflineError(f"key {pubkey.hex()} is not a member of the multisig")
        if not verify_secp256k1(pubkey, sig, message):
            raise OfflineError(f"the signature of {pubkey.hex()} does not sign this tx")
        by_index[key.pubkeys.index(pubkey)] = sig
    if len(by_index) < key.threshold:
        raise OfflineError(f"{len(by_index)} signatures, the multisig needs {key.threshold}")
    signed = sorted(by_index)
    auth = builder.multisig_auth_info_bytes(key.threshold, key.pubkeys, signed, tx.sequence, tx.fee, tx.gas)
    return builder.tx_raw(tx.body, auth, [builder.multisig_signature([by_index[i] for i in signed])])


def partial_signature(privkey: bytes, tx: UnsignedTx, handlers: Mapping[str, MsgHandler]) -> dict[str, str]:
    """A member's signature file: ``{"pubkey": hex, "signature": base64}``."""
    pubkey = PrivateKey(privkey).public_key.format(compressed=True)
    return {"pubkey": pubkey.hex(), "signature": base64.b64encode(sign(privkey, tx, handlers)).decode()}


def read_partial(data: Any) -> tuple[bytes, bytes]:
    try:
        return bytes.fromhex(data["pubkey"]), base64.b64decode(data["signature"], validate=True)
    except (KeyError, TypeError, ValueError) as e:
        raise OfflineError(f"malformed signature file: {e}") from None
