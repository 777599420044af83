"""Build and sign native txs (pysei's CLI and tests).

The bytes are those cosmjs ``SigningStargateClient`` produces for the same inputs
(SIGN_MODE_DIRECT, ``/cosmos.crypto.secp256k1.PubKey`` in the signer info, proto3 defaults
omitted, RFC 6979 deterministic low-s signatures), plus pysei's chain id extension unless
``with_chain_id=False``. ``amino=handlers`` signs in SIGN_MODE_LEGACY_AMINO_JSON instead (as
cosmjs does with a ``Secp256k1HdWallet``; no extension then).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from coincurve import PrivateKey
from google.protobuf.any_pb2 import Any as AnyPb
from google.protobuf.message import Message

from abci_app.cosmos_tx import amino as amino_json
from abci_app.cosmos_tx import coins as coin_codec
from abci_app.cosmos_tx import multisig
from abci_app.cosmos_tx.decode import (
    CHAIN_ID_EXTENSION,
    PUBKEY_TYPE,
    SIGN_MODE_DIRECT,
    SIGN_MODE_LEGACY_AMINO_JSON,
    sign_doc_bytes,
)
from abci_app.module_api import MsgHandler
from pysei_pb.cosmos.crypto.multisig.v1beta1 import multisig_pb2
from pysei_pb.cosmos.crypto.secp256k1 import keys_pb2
from pysei_pb.cosmos.tx.v1beta1 import tx_pb2
from pysei_pb.pysei.tx.v1 import extensions_pb2

#: A message: a protobuf object (type URL from its full name) or ``(type_url, object | bytes)``.
Msg = Message | tuple[str, Message | bytes]


def pack(type_url: str, msg: Message | bytes) -> AnyPb:
    value = msg if isinstance(msg, bytes) else msg.SerializeToString()
    return AnyPb(type_url=type_url, value=value)


def pack_msg(msg: Msg) -> AnyPb:
    if isinstance(msg, tuple):
        return pack(*msg)
    return pack("/" + msg.DESCRIPTOR.full_name, msg)


def body_bytes(
    msgs: Sequence[Msg], memo: str = "", chain_id: str | None = None, timeout_height: int = 0
) -> bytes:
    """A serialized ``TxBody``; ``chain_id`` adds the pysei chain id extension."""
    body = tx_pb2.TxBody(messages=[pack_msg(m) for m in msgs], memo=memo, timeout_height=timeout_height)
    if chain_id is not None:
        body.extension_options.append(
            pack(CHAIN_ID_EXTENSION, extensions_pb2.ChainIdExtension(chain_id=chain_id))
        )
    return body.SerializeToString()


def auth_info_bytes(
    pubkey: bytes, sequence: int, fee: coin_codec.Coins, gas_limit: int, sign_mode: int = SIGN_MODE_DIRECT
) -> bytes:
    """A serialized single-signer ``AuthInfo``."""
    info = tx_pb2.SignerInfo(
        public_key=pack(PUBKEY_TYPE, keys_pb2.PubKey(key=pubkey)),
        mode_info=tx_pb2.ModeInfo(single=tx_pb2.ModeInfo.Single(mode=sign_mode)),
        sequence=sequence,
    )
    fee_pb = tx_pb2.Fee(amount=coin_codec.to_proto(fee), gas_limit=gas_limit)
    return tx_pb2.AuthInfo(signer_infos=[info], fee=fee_pb).SerializeToString()


def sign_direct(privkey: bytes, body: bytes, auth_info: bytes, chain_id: str, account_number: int) -> bytes:
    """64-byte ``r || s`` (low s) over sha256 of the sign doc."""
    doc = sign_doc_bytes(body, auth_info, chain_id, account_number)
    return PrivateKey(privkey).sign_recoverable(doc)[:64]


def multisig_auth_info_bytes(
    threshold: int, pubkeys: Sequence[bytes], signed: Sequence[int], sequence: int, fee: coin_codec.Coins,
    gas_limit: int,
) -> bytes:
    """A serialized ``AuthInfo`` whose signer is the k-of-n multisig of ``pubkeys``, signed
    (SIGN_MODE_LEGACY_AMINO_JSON) by the keys at indices ``signed``."""
    info = tx_pb2.SignerInfo(
        public_key=multisig.pubkey_any(threshold, pubkeys),
        mode_info=multisig.mode_info(len(pubkeys), sorted(signed)),
        sequence=sequence,
    )
    fee_pb = tx_pb2.Fee(amount=coin_codec.to_proto(fee), gas_limit=gas_limit)
    return tx_pb2.AuthInfo(signer_infos=[info], fee=fee_pb).SerializeToString()


def multisig_signature(signatures: Sequence[bytes]) -> bytes:
    """The ``MultiSignature`` of the signing keys' signatures, in key order."""
    return multisig_pb2.MultiSignature(signatures=list(signatures)).SerializeToString()


def sign_amino(
    privkey: bytes,
    msgs: Sequence[Msg],
    handlers: Mapping[str, MsgHandler],
    *,
    chain_id: str,
    account_number: int,
    sequence: int,
    fee: coin_codec.Coins,
    gas_limit: int,
    memo: str = "",
    timeout_height: int = 0,
) -> bytes:
    """64-byte ``r || s`` (low s) over sha256 of the legacy amino JSON sign doc."""
    converted = []
    for m in msgs:
        packed = pack_msg(m)
        handler = handlers[packed.type_url]
        if handler.amino is None:
            raise ValueError(f"{packed.type_url} has no amino JSON form")
        converted.append(handler.amino(handler.decode(packed.value)))
    doc = amino_json.sign_doc_bytes(
        chain_id=chain_id,
        account_number=account_number,
        sequence=sequence,
        fee=fee,
        gas_limit=gas_limit,
        memo=memo,
        msgs=amino_json.Raw(amino_json.msgs_json(converted)),
        timeout_height=timeout_height,
    )
    return PrivateKey(privkey).sign_recoverable(doc)[:64]


def tx_raw(body: bytes, auth_info: bytes, signatures: Sequence[bytes]) -> bytes:
    return tx_pb2.TxRaw(
        body_bytes=body, auth_info_bytes=auth_info, signatures=list(signatures)
    ).SerializeToString()


def build_and_sign(
    privkey: bytes,
    msgs: Sequence[Msg],
    chain_id: str,
    account_number: int,
    sequence: int,
    fee_amount: coin_codec.Coins | int,
    gas_limit: int,
    memo: str = "",
    *,
    with_chain_id: bool = True,
    timeout_height: int = 0,
    amino: Mapping[str, MsgHandler] | None = None,
) -> bytes:
    """Raw ``TxRaw`` bytes ready for ``broadcast_tx_*``. ``fee_amount`` is coins or a usei
    amount; ``amino``: the message handlers, to sign in SIGN_MODE_LEGACY_AMINO_JSON."""
    fee = (
        ((("usei", fee_amount),) if fee_amount else ()) if isinstance(fee_amount, int) else tuple(fee_amount)
    )
    pubkey = PrivateKey(privkey).public_key.format(compressed=True)
    if amino is not None:
        body = body_bytes(msgs, memo, None, timeout_height)
        auth = auth_info_bytes(pubkey, sequence, fee, gas_limit, SIGN_MODE_LEGACY_AMINO_JSON)
        sig = sign_amino(
            privkey, msgs, amino, chain_id=chain_id, account_number=account_number, sequence=sequence,
            fee=fee, gas_limit=gas_limit, memo=memo, timeout_height=timeout_height,
        )
        return tx_raw(body, auth, [sig])
    body = body_bytes(msgs, memo, chain_id if with_chain_id else None, timeout_height)
    auth = auth_info_bytes(pubkey, sequence, fee, gas_limit)
    return tx_raw(body, auth, [sign_direct(privkey, body, auth, chain_id, account_number)])
