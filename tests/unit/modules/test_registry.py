"""abci_app.modules.loader: modules load by entry point and must not claim the same keys."""

from __future__ import annotations

import pytest

from abci_app.module_api import Module, MsgHandler
from abci_app.modules.loader import available, check_compatible, load_modules


def _handler(url: str) -> MsgHandler:
    return MsgHandler(url, bytes, lambda m: (), lambda m: None, lambda m, c, v: ((), b""))


def test_builtins_and_tokenfactory_are_entry_points() -> None:
    assert {"auth", "bank", "evm", "tokenfactory"} <= set(available())
    assert [m.name for m in load_modules(["bank", "tokenfactory"])] == ["bank", "tokenfactory"]


def test_unknown_or_repeated_names_fail() -> None:
    with pytest.raises(ValueError, match="not installed"):
        load_modules(["nope"])
    with pytest.raises(ValueError, match="twice"):
        load_modules(["bank", "bank"])


@pytest.mark.parametrize(
    ("a", "b", "what"),
    [
        (Module("a", store_names=("x",)), Module("b", store_names=("x",)), "store"),
        (Module("a", messages={"/p.M": _handler("/p.M")}), Module("b", messages={"/p.M": _handler("/p.M")}),
         "message type"),
        (Module("a", queries={"/p.Q/A": lambda d, v, h: b""}), Module("b", queries={"/p.Q/A": lambda d, v, h: b""}),
         "query path"),
    ],
)
def test_double_claims_are_refused(a: Module, b: Module, what: str) -> None:
    with pytest.raises(ValueError, match=what):
        check_compatible([a, b])


def test_message_keys_must_be_type_urls() -> None:
    with pytest.raises(ValueError, match="type URL"):
        check_compatible([Module("a", messages={"/p.M": _handler("/p.N")})])
