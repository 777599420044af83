"""The gasless association tx (what ``sei_associate`` sends), as Sei has it.

Its bytes are a ``TxRaw`` whose body holds one ``/pysei.evm.v1.MsgAssociate`` and whose
auth info has no signer and no fee: the EIP-191 signature of the message's text proves
the key, and the tx links that key's Sei and EVM addresses. No fee is charged and no
sequence used, so it is refused unless it can do its one thing: neither address may be
associated yet, and one of them must hold funds (as on Sei: free association is for
accounts that already hold value, which also bounds the spam a fresh key can send).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from google.protobuf.message import DecodeError

from ledger import accounts, bank, codes
from ledger.addresses import evm_address_from_pubkey, sei_address_from_pubkey, to_bech32
from ledger.association import link
from ledger.codes import TxError
from ledger.personal_sign import SignatureError, signer_pubkey
from ledger.results import Event, TxResult
from pysei_pb.cosmos.tx.v1beta1 import tx_pb2
from pysei_pb.pysei.evm.v1 import associate_pb2
from store.api import KVView

TYPE_URL = "/pysei.evm.v1.MsgAssociate"
_TYPE_URL_BYTES = TYPE_URL.encode()
MAX_MESSAGE_CHARS = 256


@dataclass(frozen=True)
class AssociateTx:
    pubkey: bytes  # compressed secp256k1 key that signed the message
    sei: bytes
    evm: bytes
    hash: str  # uppercase hex sha256 of the raw bytes

    @property
    def sequence(self) -> int:  # the index renders every native tx with a sequence
        return 0

    @property
    def gas_limit(self) -> int:  # block building sums gas limits: none asked
        return 0


def is_associate_tx(txraw: tx_pb2.TxRaw, body: tx_pb2.TxBody, auth: tx_pb2.AuthInfo) -> bool:
    """A TxRaw with one MsgAssociate, no signer, no signature (no other native tx is so)."""
    return (len(body.messages) == 1 and body.messages[0].type_url == TYPE_URL and not auth.signer_infos
            and not txraw.signatures)


def decode_associate(raw: bytes) -> AssociateTx | None:
    """The association tx in ``raw``, or None when ``raw`` is not one; ``TxError`` when it is
    one that no key signed."""
    if _TYPE_URL_BYTES not in raw:
        return None  # the common case, without parsing
    try:
        txraw = tx_pb2.TxRaw.FromString(raw)
        body = tx_pb2.TxBody.FromString(txraw.body_bytes)
        auth = tx_pb2.AuthInfo.FromString(txraw.auth_info_bytes)
    except DecodeError:
        return None
    if not is_associate_tx(txraw, body, auth):
        return None
    if auth.fee.amount or auth.fee.gas_limit or body.memo or body.timeout_height:
        raise TxError(codes.INVALID_REQUEST, "an association tx carries no fee, gas, memo or timeout")
    try:
        msg = associate_pb2.MsgAssociate.FromString(body.messages[0].value)
    except DecodeError:
        raise TxError(codes.TX_DECODE, "tx parse error: invalid MsgAssociate") from None
    if len(msg.custom_message) > MAX_MESSAGE_CHARS:
        raise TxError(codes.INVALID_REQUEST, f"custom message longer than {MAX_MESSAGE_CHARS} characters")
    try:
        pub = signer_pubkey(msg.custom_message, msg.v, msg.r, msg.s)
    except SignatureError as e:
        raise TxError(codes.UNAUTHORIZED, f"{e}: signature verification failed") from None
    return AssociateTx(pub, sei_address_from_pubkey(pub), evm_address_from_pubkey(pub),
                       hashlib.sha256(raw).hexdigest().upper())


def encode_associate(message: str, v: str, r: str, s: str) -> bytes:
    """The tx bytes for a signed message (no signer info, no fee)."""
    msg = associate_pb2.MsgAssociate(custom_message=message, v=v, r=r, s=s)
    body = tx_pb2.TxBody()
    any_msg = body.messages.add()
    any_msg.type_url, any_msg.value = TYPE_URL, msg.SerializeToString()
    return tx_pb2.TxRaw(body_bytes=body.SerializeToString(), auth_info_bytes=tx_pb2.AuthInfo().SerializeToString()
                        ).SerializeToString()


def execute_associate(tx: AssociateTx, view: KVView) -> TxResult:
    """Link the key's two addresses (no fee, no gas); refused if either is linked already
    or neither holds funds."""
    if accounts.associated_evm(view, tx.sei) is not None or accounts.associated_sei(view, tx.evm) is not None:
        return TxResult(code=codes.INVALID_REQUEST, log=f"address {to_bech32(tx.sei)} is already associated")
    if not (bank.wei_balance(view, tx.sei) or bank.wei_balance(view, tx.evm)):
        return TxResult(code=codes.INSUFFICIENT_FUNDS,
                        log="account needs at least 1 wei to associate without paying a fee")
    link(view, tx.sei, tx.evm)  # coins held at the direct cast move to the account
    attrs = (("sei_address", to_bech32(tx.sei)), ("evm_address", "0x" + tx.evm.hex()))
    return TxResult(events=(Event("address_associated", attrs),))
