"""geth's ``prestateTracer``: the accounts a tx touched as they were before it, or with
``diffMode`` what it changed (``pre``: the changed accounts before, ``post``: the changed
fields after).

It reads the tx's own account database once the tx ran (``evm_bridge.account_db.ViewAccountDB``
keeps every account, code hash and slot it read or wrote); the state before the tx is the
parent of the overlay the tx ran on, the state after is what the database answers now.
"""

from __future__ import annotations

from typing import Any

from evm_bridge.account_db import read_balance, read_code, read_nonce, read_storage
from store.overlay import Overlay

Json = dict[str, Any]


def _slot(n: int) -> str:
    return "0x" + n.to_bytes(32, "big").hex()


class PrestateTracer:
    def __init__(self, diff_mode: bool) -> None:
        self.diff_mode = diff_mode
        self.state: Any = None

    def instrument(self, cls: type[Any]) -> type[Any]:
        """``cls`` (a VM state class) that hands its instance to this tracer."""
        tracer = self

        def __init__(state: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807
            cls.__init__(state, *args, **kwargs)
            tracer.state = state

        return type("PrestateTracedState", (cls,), {"__init__": __init__})

    def result(self) -> Json:
        db = self.state.account_db
        view = db.view
        before = view.parent if isinstance(view, Overlay) else view
        touched = db.touched_addresses()
        slots: dict[bytes, set[int]] = {}
        for a, s in (*db._o_slot, *db._slot):
            slots.setdefault(a, set()).add(s)
        pre: Json = {}
        post: Json = {}
        for addr in sorted(touched):
            old = self._account(before, addr, sorted(slots.get(addr, ())), read=True, db=db)
            new = self._account(before, addr, sorted(slots.get(addr, ())), read=False, db=db)
            key = "0x" + addr.hex()
            if not self.diff_mode:
                pre[key] = _shown(old)
                continue
            changed = {f: v for f, v in new.items() if f != "storage" and v != old[f]}
            storage = {s: v for s, v in new["storage"].items() if v != old["storage"].get(s)}
            if not changed and not storage:
                continue
            pre[key] = _shown({**old, "storage": {s: old["storage"][s] for s in storage}})
            post[key] = _shown({**changed, "storage": storage}, keep_zero=True)
        return {"pre": pre, "post": post} if self.diff_mode else pre

    @staticmethod
    def _account(before: Any, addr: bytes, slots: list[int], *, read: bool, db: Any) -> Json:
        if read:
            return {
                "balance": read_balance(before, addr), "nonce": read_nonce(before, addr),
                "code": read_code(before, addr), "storage": {s: read_storage(before, addr, s) for s in slots},
            }
        return {
            "balance": db.get_balance(addr), "nonce": db.get_nonce(addr), "code": db.get_code(addr),
            "storage": {s: db.get_storage(addr, s) for s in slots},
        }


def _shown(account: Json, keep_zero: bool = False) -> Json:
    """geth's JSON of an account: hex balance, nonce and code only when set, non-zero slots."""
    out: Json = {}
    if "balance" in account:
        out["balance"] = hex(account["balance"])
    if account.get("nonce"):
        out["nonce"] = account["nonce"]
    if account.get("code"):
        out["code"] = "0x" + bytes(account["code"]).hex()
    storage = {_slot(s): _slot(v) for s, v in sorted(account.get("storage", {}).items()) if v or keep_zero}
    if storage:
        out["storage"] = storage
    return out
