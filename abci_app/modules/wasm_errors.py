"""How ``wasm_bridge`` failures read to a client: wasmd's error codes (codespace ``wasm``)
and tx logs, shared by the wasm module's messages and queries and the wasmd precompile."""

from __future__ import annotations

from abci_app.module_api import MsgError
from ledger import codes
from wasm_bridge import api as wasm_api

CODESPACE = "wasm"
CODE_CREATE, CODE_INSTANTIATE, CODE_EXECUTE, CODE_GAS, CODE_QUERY = 2, 4, 5, 6, 9
CODE_NOT_FOUND, CODE_MIGRATE, CODE_INVALID = 22, 11, 14

_VERB = {CODE_CREATE: "create", CODE_INSTANTIATE: "instantiate", CODE_EXECUTE: "execute", CODE_MIGRATE: "migrate"}


def failure(e: wasm_api.WasmError, code: int) -> MsgError:
    """Map a ``wasm_bridge`` error of a message (``code``: its wasmd code) to the tx log
    wasmd would show."""
    if isinstance(e, wasm_api.OutOfGas):
        return MsgError(codes.OUT_OF_GAS, str(e))
    if isinstance(e, wasm_api.NotFound):
        return MsgError(CODE_NOT_FOUND, str(e), CODESPACE)
    if isinstance(e, wasm_api.Unauthorized):
        return MsgError(codes.UNAUTHORIZED, str(e))
    if isinstance(e, wasm_api.ValidationError) and "insufficient funds" in str(e):
        return MsgError(codes.INSUFFICIENT_FUNDS, str(e))
    if isinstance(e, wasm_api.ContractError):
        return MsgError(code, f"{e}: {_VERB[code]} wasm contract failed", CODESPACE)
    return MsgError(code, f"{e}: {_VERB.get(code, 'wasm')} wasm contract failed", CODESPACE)


def query_failure(e: wasm_api.WasmError) -> MsgError:
    """The log of a failed smart query (an ABCI query reports ``NotFound`` its own way)."""
    return MsgError(CODE_QUERY, f"{e}: query wasm contract failed", CODESPACE)
