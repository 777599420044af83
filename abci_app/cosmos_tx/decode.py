"""Native txs: ``TxRaw`` bytes -> ``CosmosTx``, SIGN_MODE_DIRECT sign bytes, signature check.

Wire format (Cosmos SDK, so cosmjs ``SigningStargateClient`` signs txs pysei accepts):
``TxRaw{body_bytes=1, auth_info_bytes=2, signatures=3}``; the tx hash is the uppercase hex
sha256 of the raw bytes. pysei accepts exactly one signer: one ``SignerInfo`` with a
``/cosmos.crypto.secp256k1.PubKey`` (33-byte compressed key, required), ``ModeInfo.single``
and one 64-byte ``r || s`` signature with low s over the sha256 of the sign bytes:

- SIGN_MODE_DIRECT: ``SignDoc{body_bytes=1, auth_info_bytes=2, chain_id=3, account_number=4}``;
- SIGN_MODE_LEGACY_AMINO_JSON (Ledger, Keplr with a Ledger, cosmjs ``Secp256k1HdWallet``):
  the legacy ``StdSignDoc`` JSON of ``abci_app.cosmos_tx.amino``, with each message in the amino
  form its module gives (``MsgHandler.amino``); as in the SDK, such a tx may carry no
  extension options.

The signer may instead be a k-of-n multisig (``abci_app.cosmos_tx.multisig``: a
``LegacyAminoPubKey``, amino JSON signatures of at least k of its keys).

The fee is ``usei`` coins; fee payer, granter and tip are not supported.

Wrong chain id. The chain id travels only inside the sign doc, so for a plain Cosmos tx a
wrong chain id is indistinguishable from a bad signature (UNAUTHORIZED, as in the SDK).
pysei's own builder also puts ``/pysei.tx.v1.ChainIdExtension{chain_id}`` in
``TxBody.extension_options`` (signed, since it is in the body); the ante step rejects a tx
whose extension names another chain with INVALID_CHAIN_ID before checking the signature.
Any other critical extension option is rejected (UNKNOWN_REQUEST); non-critical ones are
ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

from google.protobuf.message import DecodeError, Message
from google.protobuf.unknown_fields import UnknownFieldSet

from abci_app.cosmos_tx import amino
from abci_app.cosmos_tx import coins as coin_codec
from abci_app.cosmos_tx import multisig as multisig_codec
from abci_app.cosmos_tx.signature import verify_secp256k1
from abci_app.module_api import MsgError, MsgHandler
from ledger import codes
from ledger.addresses import public_key, sei_address_from_pubkey, to_bech32
from ledger.codes import TxError
from pysei_pb.cosmos.crypto.secp256k1 import keys_pb2
from pysei_pb.cosmos.tx.signing.v1beta1 import signing_pb2
from pysei_pb.cosmos.tx.v1beta1 import tx_pb2
from pysei_pb.pysei.tx.v1 import extensions_pb2

PUBKEY_TYPE = "/cosmos.crypto.secp256k1.PubKey"
CHAIN_ID_EXTENSION = "/pysei.tx.v1.ChainIdExtension"
SIGN_MODE_DIRECT = signing_pb2.SIGN_MODE_DIRECT
SIGN_MODE_LEGACY_AMINO_JSON = signing_pb2.SIGN_MODE_LEGACY_AMINO_JSON
SIGN_MODES = (SIGN_MODE_DIRECT, SIGN_MODE_LEGACY_AMINO_JSON)
MAX_MEMO_CHARS = 256
#: Field numbers from here up are non-critical in a TxBody (the SDK's rule); unknown ones
#: below it make the tx undecodable.
NON_CRITICAL_FIELDS = 1024


@dataclass(frozen=True)
class CosmosTx:
    """A decoded, statelessly checked native tx (picklable: crosses to OCC workers)."""

    body_bytes: bytes
    auth_info_bytes: bytes
    #: ``(type_url, decoded message)`` in body order.
    msgs: tuple[tuple[str, Any], ...]
    pubkey: bytes  # 33-byte compressed secp256k1 key
    signer: bytes  # 20-byte Sei address: ripemd160(sha256(pubkey))
    sequence: int
    fee: coin_codec.Coins
    gas_limit: int
    memo: str
    signature: bytes  # 64 bytes r || s (empty only in simulation)
    size: int  # raw byte length
    hash: str  # uppercase hex sha256 of the raw bytes
    timeout_height: int = 0
    #: Chain id from ``/pysei.tx.v1.ChainIdExtension``; None when the tx carries none.
    chain_id: str | None = None
    #: Sum of the message handlers' flat gas.
    msg_gas: int = 0
    sign_mode: int = SIGN_MODE_DIRECT
    #: SIGN_MODE_LEGACY_AMINO_JSON only: the canonical JSON of the amino messages.
    amino_msgs: str = ""
    #: A multisig signer (``pubkey`` is then empty and ``signature`` the ``MultiSignature``).
    multisig: multisig_codec.Multisig | None = None

    @property
    def signature_count(self) -> int:
        return len(self.multisig.signatures) if self.multisig is not None else 1

    @property
    def signer_bech32(self) -> str:
        return to_bech32(self.signer)

    def __reduce__(self) -> tuple[Callable[..., CosmosTx], tuple[Any, ...]]:
        # The fields in order, messages as (type URL, class, serialized): cheaper than the
        # default's state dict and protobuf pickling, for OCC's shipping of txs to workers.
        values = _cosmos_fields(self)
        msgs = tuple([(url, type(msg), msg.SerializePartialToString()) for url, msg in self.msgs])
        return _cosmos_tx, (*values[:2], msgs, *values[3:])


_cosmos_names = tuple(f.name for f in fields(CosmosTx))
_cosmos_fields = attrgetter(*_cosmos_names)


def _cosmos_tx(*values: Any) -> CosmosTx:
    """A ``CosmosTx`` from ``CosmosTx.__reduce__``'s values (unpickling)."""
    tx = object.__new__(CosmosTx)
    state = tx.__dict__
    state.update(zip(_cosmos_names, values, strict=True))
    state["msgs"] = tuple([(url, cls.FromString(data)) for url, cls, data in state["msgs"]])
    return tx


def _parse(cls: type[Message], data: bytes, what: str) -> Any:
    try:
        msg = cls.FromString(data)
    except DecodeError as e:
        raise TxError(codes.TX_DECODE, f"{what}: {e}: tx parse error") from None
    return msg


def _reject_unknown(msg: Message, what: str, allow_from: int | None = None) -> None:
    for f in UnknownFieldSet(msg):
        if allow_from is None or f.field_number < allow_from:
            raise TxError(codes.TX_DECODE, f"{what}: unknown field number {f.field_number}: tx parse error")


def _pubkey(info: tx_pb2.SignerInfo) -> bytes:
    if not info.HasField("public_key"):
        raise TxError(codes.UNAUTHORIZED, "missing public key in signer info: pysei needs it on every tx")
    if info.public_key.type_url != PUBKEY_TYPE:
        raise TxError(codes.UNAUTHORIZED, f"unsupported public key type {info.public_key.type_url!r}")
    key = _parse(keys_pb2.PubKey, info.public_key.value, "public key").key
    try:
        if len(key) != 33:
            raise ValueError("not 33 bytes")
        public_key(key)
    except ValueError as e:
        raise TxError(codes.UNAUTHORIZED, f"invalid secp256k1 public key: {e}") from None
    return bytes(key)


def _sign_mode(info: tx_pb2.SignerInfo, simulate: bool) -> int:
    """The signer's mode; in simulation an absent or unspecified mode reads as DIRECT."""
    if info.mode_info.WhichOneof("sum") != "single":
        if simulate and not info.HasField("mode_info"):
            return SIGN_MODE_DIRECT
        raise TxError(codes.UNAUTHORIZED, "unsupported mode info: only single-signer modes")
    mode = info.mode_info.single.mode
    if simulate and mode == signing_pb2.SIGN_MODE_UNSPECIFIED:
        return SIGN_MODE_DIRECT
    if mode not in SIGN_MODES:
        name = signing_pb2.SignMode.Name(mode) if mode in signing_pb2.SignMode.values() else str(mode)
        raise TxError(
            codes.UNAUTHORIZED,
            f"unsupported sign mode {name}: only SIGN_MODE_DIRECT and SIGN_MODE_LEGACY_AMINO_JSON",
        )
    return mode


def _amino_msgs(msgs: tuple[tuple[str, Any], ...], handlers: Mapping[str, MsgHandler]) -> str:
    out = []
    for i, (url, msg) in enumerate(msgs):
        convert = handlers[url].amino
        if convert is None:
            raise TxError(
                codes.UNKNOWN_REQUEST,
                f"message {i} ({url}) has no amino JSON form: sign it with SIGN_MODE_DIRECT",
            )
        try:
            out.append(convert(msg))
        except ValueError as e:
            raise TxError(codes.TX_DECODE, f"message {i} ({url}): {e}: tx parse error") from None
    return amino.msgs_json(out)


def _chain_id_option(body: tx_pb2.TxBody) -> str | None:
    chain_id = None
    for opt in body.extension_options:
        if opt.type_url != CHAIN_ID_EXTENSION or chain_id is not None:
            raise TxError(codes.UNKNOWN_REQUEST, f"unknown extension option {opt.type_url}")
        chain_id = _parse(extensions_pb2.ChainIdExtension, opt.value, "chain id extension").chain_id
    return chain_id


def _messages(
    body: tx_pb2.TxBody, handlers: Mapping[str, MsgHandler], signer: bytes
) -> tuple[tuple[tuple[str, Any], ...], int]:
    if not body.messages:
        raise TxError(codes.INVALID_REQUEST, "must contain at least one message: invalid request")
    msgs, gas = [], 0
    for i, packed in enumerate(body.messages):
        handler = handlers.get(packed.type_url)
        if handler is None:
            raise TxError(
                codes.UNKNOWN_REQUEST, f"unrecognized message type {packed.type_url}: unknown request"
            )
        try:
            msg = handler.decode(packed.value)
        except (DecodeError, ValueError) as e:
            raise TxError(codes.TX_DECODE, f"message {i} ({packed.type_url}): {e}: tx parse error") from None
        try:
            handler.validate(msg)
        except MsgError as e:
            raise TxError(e.code, e.log, e.codespace) from None
        for s in handler.signers(msg):
            if s != signer:
                raise TxError(
                    codes.UNAUTHORIZED,
                    f"message {i} must be signed by {to_bech32(s)}, tx is signed by {to_bech32(signer)}",
                )
        msgs.append((packed.type_url, msg))
        gas += handler.gas
    return tuple(msgs), gas


def decode_cosmos_tx(
    raw: bytes, max_bytes: int, handlers: Mapping[str, MsgHandler], *, simulate: bool = False
) -> CosmosTx:
    """Decode and statelessly check a native tx; raises ``TxError``.

    ``simulate`` accepts what cosmjs sends to Simulate: an empty signature and an
    unspecified sign mode.
    """
    if len(raw) > max_bytes:
        raise TxError(codes.TX_TOO_LARGE, f"tx too large; max {max_bytes} bytes, got {len(raw)}")
    txraw = _parse(tx_pb2.TxRaw, raw, "tx")
    _reject_unknown(txraw, "tx")
    body = _parse(tx_pb2.TxBody, txraw.body_bytes, "tx body")
    _reject_unknown(body, "tx body", NON_CRITICAL_FIELDS)
    auth = _parse(tx_pb2.AuthInfo, txraw.auth_info_bytes, "auth info")
    _reject_unknown(auth, "auth info")
    if len(body.memo) > MAX_MEMO_CHARS:
        raise TxError(
            codes.INVALID_REQUEST,
            f"maximum number of characters is {MAX_MEMO_CHARS} but received {len(body.memo)} characters: memo too large",
        )
    chain_id = _chain_id_option(body)
    if len(auth.signer_infos) != 1:
        raise TxError(
            codes.UNAUTHORIZED, f"wrong number of signers; expected 1, got {len(auth.signer_infos)}"
        )
    if len(txraw.signatures) != 1:
        raise TxError(
            codes.UNAUTHORIZED, f"wrong number of signatures; expected 1, got {len(txraw.signatures)}"
        )
    info, signature = auth.signer_infos[0], bytes(txraw.signatures[0])
    multisig = None
    if info.HasField("public_key") and info.public_key.type_url == multisig_codec.MULTISIG_TYPE:
        multisig = multisig_codec.decode(info, signature, simulate)
        pubkey, sign_mode = b"", SIGN_MODE_LEGACY_AMINO_JSON
        signer = multisig_codec.address(multisig.threshold, multisig.pubkeys)
    else:
        pubkey = _pubkey(info)
        sign_mode = _sign_mode(info, simulate)
        signer = sei_address_from_pubkey(pubkey)
    if sign_mode == SIGN_MODE_LEGACY_AMINO_JSON and (
        body.extension_options or body.non_critical_extension_options
    ):
        raise TxError(
            codes.INVALID_REQUEST,
            "SIGN_MODE_LEGACY_AMINO_JSON does not support protobuf extension options: invalid request",
        )
    if multisig is None and len(signature) != 64 and not (simulate and not signature):
        raise TxError(codes.UNAUTHORIZED, f"invalid signature length {len(signature)}, expected 64")
    if auth.fee.payer or auth.fee.granter or auth.HasField("tip"):
        raise TxError(codes.INVALID_REQUEST, "fee payer, fee granter and tips are not supported")
    try:
        fee = coin_codec.from_proto(auth.fee.amount, allow_empty=True)
    except MsgError as e:
        raise TxError(e.code, f"invalid fee: {e.log}") from None
    msgs, msg_gas = _messages(body, handlers, signer)
    amino_msgs = _amino_msgs(msgs, handlers) if sign_mode == SIGN_MODE_LEGACY_AMINO_JSON else ""
    return CosmosTx(
        body_bytes=bytes(txraw.body_bytes),
        auth_info_bytes=bytes(txraw.auth_info_bytes),
        msgs=msgs,
        pubkey=pubkey,
        signer=signer,
        sequence=info.sequence,
        fee=fee,
        gas_limit=auth.fee.gas_limit,
        memo=body.memo,
        signature=signature,
        size=len(raw),
        hash=hashlib.sha256(raw).hexdigest().upper(),
        timeout_height=body.timeout_height,
        chain_id=chain_id,
        msg_gas=msg_gas,
        sign_mode=sign_mode,
        amino_msgs=amino_msgs,
        multisig=multisig,
    )


def sign_doc_bytes(body_bytes: bytes, auth_info_bytes: bytes, chain_id: str, account_number: int) -> bytes:
    """The SIGN_MODE_DIRECT sign doc: protobuf ``SignDoc`` (defaults omitted, as cosmjs does)."""
    return tx_pb2.SignDoc(
        body_bytes=body_bytes,
        auth_info_bytes=auth_info_bytes,
        chain_id=chain_id,
        account_number=account_number,
    ).SerializeToString()


def sign_bytes(tx: CosmosTx, chain_id: str, account_number: int) -> bytes:
    """What the tx's signature covers (its sha256 is signed), in the tx's sign mode."""
    if tx.sign_mode == SIGN_MODE_LEGACY_AMINO_JSON:
        return amino.sign_doc_bytes(
            chain_id=chain_id,
            account_number=account_number,
            sequence=tx.sequence,
            fee=tx.fee,
            gas_limit=tx.gas_limit,
            memo=tx.memo,
            msgs=amino.Raw(tx.amino_msgs),
            timeout_height=tx.timeout_height,
        )
    return sign_doc_bytes(tx.body_bytes, tx.auth_info_bytes, chain_id, account_number)


def verify_signature(tx: CosmosTx, chain_id: str, account_number: int) -> bool:
    """True when the signature (every multisig signature, at least the threshold of them)
    is a valid low-s secp256k1 signature of the sign bytes' sha256."""
    message = sign_bytes(tx, chain_id, account_number)
    if tx.multisig is not None:
        return multisig_codec.verify(tx.multisig, message)
    return verify_secp256k1(tx.pubkey, tx.signature, message)
