"""``query_chain``: what a contract may ask the chain, answered as ``SystemResult`` JSON.

Bank: ``balance``, ``all_balances``, ``supply``. Wasm: ``smart`` (runs the other contract's
``query`` read-only on the current view, one call level deeper), ``raw``,
``contract_info``, ``code_info``. Custom: the ``evm`` route's ``static_call``
(``evm_bindings``). Anything else answers ``unsupported_request``; a missing
contract ``no_such_contract``; a failing smart query ``{"ok": {"error": ...}}``. Out of gas
is not an answer: it stops the whole call.
"""

from __future__ import annotations

from typing import Any

from ledger import bank
from ledger.addresses import AddressError, from_bech32
from store.api import ReadView
from untrusted import json_text
from wasm_bridge import evm_bindings, messages, state
from wasm_bridge.api import NotFound, OutOfGas, WasmError
from wasm_bridge.frame import Contracts, Frame


def _ok(value: Any) -> bytes:
    return messages.dumps({"ok": {"ok": messages.b64(value if isinstance(value, bytes) else messages.dumps(value))}})


def _system(kind: str, detail: dict[str, Any]) -> bytes:
    return messages.dumps({"error": {kind: detail}})


class Querier:
    """Bound to one call frame: the view it reads and the frame (for gas and depth);
    ``contracts`` (the keeper) runs ``wasm.smart`` queries and holds the EVM bindings."""

    def __init__(self, contracts: Contracts, view: ReadView, frame: Frame) -> None:
        self.contracts, self.view, self.frame = contracts, view, frame

    def answer(self, request: bytes) -> bytes:
        try:
            req = json_text.loads(request)
            (kind, body), = req.items()
            if kind == "custom" and isinstance(body, dict) and body.get("route") == "evm":
                action, args = "evm", body
            else:
                (action, args), = body.items()
        except (ValueError, AttributeError, TypeError, UnicodeDecodeError):
            return _system("invalid_request", {"error": "malformed query request", "request": messages.b64(request)})
        try:
            if kind == "custom" and action == "evm":
                return _ok(evm_bindings.static_call(self.contracts.evm, self.view, self.frame, args.get("query_data")))
            return self._route(kind, action, args)
        except OutOfGas:
            raise
        except NotFound:
            return _system("no_such_contract", {"addr": str(args.get("contract_addr", ""))})
        except (AddressError, KeyError, TypeError, ValueError) as e:
            return _system("invalid_request", {"error": str(e), "request": messages.b64(request)})
        except WasmError as e:
            return messages.dumps({"ok": {"error": str(e)}})

    def _route(self, kind: str, action: str, args: dict[str, Any]) -> bytes:
        view = self.view
        if kind == "bank" and action == "balance":
            amount = bank.balance(view, from_bech32(args["address"]), args["denom"])
            return _ok({"amount": {"denom": args["denom"], "amount": str(amount)}})
        if kind == "bank" and action == "all_balances":
            held = bank.all_balances(view, from_bech32(args["address"]))
            return _ok({"amount": [{"denom": d, "amount": str(a)} for d, a in held]})
        if kind == "bank" and action == "supply":
            return _ok({"amount": {"denom": args["denom"], "amount": str(bank.supply(view, args["denom"]))}})
        if kind == "wasm" and action == "smart":
            contract = from_bech32(args["contract_addr"])
            msg = messages.unb64(args.get("msg"), "msg")
            return _ok(self.contracts.smart(view, self.frame.deeper(), contract, msg))
        if kind == "wasm" and action == "raw":
            value = state.raw_state(view, from_bech32(args["contract_addr"]), messages.unb64(args.get("key"), "key"))
            return _ok(value or b"")
        if kind == "wasm" and action == "contract_info":
            info = state.contract_info(view, from_bech32(args["contract_addr"]))
            return _ok(
                {"code_id": info.code_id, "creator": info.creator, "admin": info.admin or None,
                 "pinned": False, "ibc_port": None}
            )
        if kind == "wasm" and action == "code_info":
            code = state.code_info(view, int(args["code_id"]))
            return _ok({"code_id": code.code_id, "creator": code.creator, "checksum": code.checksum.hex()})
        return _system("unsupported_request", {"kind": f"{kind}.{action}"})
