"""Proto3 JSON as the SDK's gateway writes it (``OrigName``, ``EmitDefaults``: proto field
names, every field, 64-bit integers as strings, bytes as base64, enums by name) and request
bodies parsed with a nesting bound."""

from __future__ import annotations

from typing import Any, TypeVar

from google.protobuf import json_format
from google.protobuf.message import DecodeError, Message

from cosmos_api.errors import INTERNAL, ApiError, bad_request

# Message types that appear inside ``Any`` fields, registered in the default pool.
from pysei_pb.cosmos.auth.v1beta1 import auth_pb2  # noqa: F401
from pysei_pb.cosmos.crypto.ed25519 import keys_pb2 as _ed25519  # noqa: F401
from pysei_pb.cosmos.crypto.multisig.v1beta1 import multisig_pb2  # noqa: F401
from pysei_pb.cosmos.crypto.secp256k1 import keys_pb2 as _secp256k1  # noqa: F401
from pysei_pb.cosmos.tx.v1beta1 import tx_pb2  # noqa: F401
from untrusted import json_text

M = TypeVar("M", bound=Message)


def to_json(message: Message) -> dict[str, Any]:
    try:
        return json_format.MessageToDict(
            message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
        )
    except (TypeError, json_format.Error) as e:  # an Any of a type this process does not know
        raise ApiError(INTERNAL, f"cannot render {message.DESCRIPTOR.full_name}: {e}") from None


def decode(cls: type[M], data: bytes) -> M:
    """A protobuf answer of the app; a malformed one is an internal error."""
    try:
        return cls.FromString(data)
    except DecodeError as e:
        raise ApiError(INTERNAL, f"bad {cls.DESCRIPTOR.full_name} answer: {e}") from None


def json_body(body: bytes) -> Any:
    """A request body's JSON (bounded nesting); malformed -> InvalidArgument."""
    try:
        return json_text.loads(body)
    except ValueError as e:
        raise bad_request(f"invalid request body: {e}") from None


def parse(cls: type[M], body: bytes) -> M:
    """A request body in proto3 JSON (proto or JSON field names)."""
    data = json_body(body)
    if not isinstance(data, dict):
        raise bad_request("invalid request body: expected a JSON object")
    try:
        return json_format.ParseDict(data, cls())
    except json_format.ParseError as e:
        raise bad_request(f"invalid request body: {e}") from None
