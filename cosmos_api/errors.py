"""Errors as the SDK's gRPC-gateway shows them: ``{"code", "message", "details"}`` where
``code`` is the gRPC status code, with the gateway's HTTP status for it."""

from __future__ import annotations

import re
from typing import Any

# gRPC status codes
UNKNOWN, INVALID_ARGUMENT, NOT_FOUND, RESOURCE_EXHAUSTED = 2, 3, 5, 8
UNIMPLEMENTED, INTERNAL, UNAVAILABLE = 12, 13, 14

#: grpc-gateway's HTTP status per gRPC code (runtime.HTTPStatusFromCode).
HTTP_STATUS = {
    UNKNOWN: 500, INVALID_ARGUMENT: 400, NOT_FOUND: 404, RESOURCE_EXHAUSTED: 429,
    UNIMPLEMENTED: 501, INTERNAL: 500, UNAVAILABLE: 503,
}
#: The SDK's ``sdk`` codespace ABCI codes -> gRPC codes (its errors' ``GRPCStatus``).
_SDK_CODES = {
    2: INVALID_ARGUMENT,  # tx parse error
    4: INVALID_ARGUMENT,  # unauthorized
    6: UNIMPLEMENTED,  # unknown request
    7: INVALID_ARGUMENT,  # invalid address
    10: INVALID_ARGUMENT,  # invalid coins
    18: INVALID_ARGUMENT,  # invalid request
    38: NOT_FOUND,  # not found
}
#: A gRPC status prefix some query handlers put in their log (cosmjs parses it over ABCI).
_STATUS_PREFIX = re.compile(r"^rpc error: code = \w+ desc = ")


class ApiError(Exception):
    def __init__(self, code: int, message: str, http_status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status or HTTP_STATUS.get(code, 500)

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": []}


def from_abci(code: int, codespace: str, log: str) -> ApiError:
    """An app query's failure as the gateway reports it (other codespaces: Unknown)."""
    grpc = _SDK_CODES.get(code, UNKNOWN) if codespace in ("", "sdk") else UNKNOWN
    return ApiError(grpc, _STATUS_PREFIX.sub("", log))


def bad_request(message: str) -> ApiError:
    return ApiError(INVALID_ARGUMENT, message)


def not_found(message: str) -> ApiError:
    return ApiError(NOT_FOUND, message)
