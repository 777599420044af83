"""Synthetic OCC tasks: random reads, writes, deletes, range iterations and failures.

A task is ``(checks, body)``: ``checks`` are reads followed by an optional ``("fail", m)`` or
``("raise", m)`` that fires when the running digest is divisible by ``m`` (a failure result
with no writes, or an exception); ``body`` mixes reads and writes. Written values derive from
everything read before, so any stale read shows in the outputs or the change set.
"""

from __future__ import annotations

import hashlib
from itertools import islice
from typing import Any

from store.api import KVView


class SyntheticRunner:
    """A picklable ``TaskRunner`` for synthetic tasks."""

    def run(self, task: Any, context: Any, view: KVView) -> Any:
        checks, body = task
        acc = hashlib.blake2b(repr(context).encode(), digest_size=8)
        trace: list[Any] = []
        for op in checks:
            kind = op[0]
            if kind == "fail" and acc.digest()[0] % op[1] == 0:
                return ("failed", tuple(trace))
            if kind == "raise" and acc.digest()[0] % op[1] == 0:
                raise ValueError("synthetic failure", acc.hexdigest())
            if kind not in ("fail", "raise"):
                self._op(op, view, acc, trace)
        for op in body:
            self._op(op, view, acc, trace)
        return ("ok", acc.hexdigest(), tuple(trace))

    @staticmethod
    def _op(op: tuple[Any, ...], view: KVView, acc: Any, trace: list[Any]) -> None:
        kind = op[0]
        if kind == "get":
            value = view.get(op[1], op[2])
            trace.append(value)
            acc.update(b"-" if value is None else value)
        elif kind == "set":
            view.set(op[1], op[2], acc.digest()[:3] + op[2])
        elif kind == "del":
            view.delete(op[1], op[2])
        elif kind == "iter":
            _, store, start, end, reverse, limit = op
            items = tuple(islice(view.iterate(store, start, end, reverse), limit or None))
            trace.append(items)
            acc.update(repr(items).encode())
        else:
            raise AssertionError(f"unknown op {op!r}")
