"""JSON-RPC errors with geth's codes and wording."""

from __future__ import annotations

from typing import Any

from eth_abi import decode

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
SERVER_ERROR = -32000  # execution and tx-pool errors
LIMIT_EXCEEDED = -32005
RESPONSE_TOO_LARGE = -32003  # a batch's answers past its size cap (geth's errcodeResponseTooLarge)
REVERTED = 3  # eth_call / eth_estimateGas revert, ABI revert data in ``data``


class RpcError(Exception):
    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


def invalid_params(message: str) -> RpcError:
    return RpcError(INVALID_PARAMS, message)


def server_error(message: str) -> RpcError:
    return RpcError(SERVER_ERROR, message)


def reverted(output: bytes) -> RpcError:
    """geth's revert error: the reason (when ``Error(string)``) in the message, raw data in ``data``."""
    message = "execution reverted"
    if output[:4] == bytes.fromhex("08c379a0"):
        try:
            (reason,) = decode(["string"], output[4:])
            message = f"execution reverted: {reason}"
        except Exception:
            pass
    elif output[:4] == bytes.fromhex("4e487b71") and len(output) == 36:
        message = f"execution reverted: panic: 0x{int.from_bytes(output[4:], 'big'):02x}"
    return RpcError(REVERTED, message, "0x" + output.hex())
