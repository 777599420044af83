"""Finds modules through the ``pysei.modules`` entry point group; built-ins register the same way."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import entry_points

from ..module_api import Module

GROUP = "pysei.modules"


def available() -> dict[str, object]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def load_modules(names: Sequence[str]) -> list[Module]:
    """Instantiate the enabled modules, in the order given; unknown names fail loudly."""
    eps = available()
    missing = [n for n in names if n not in eps]
    if missing:
        raise ValueError(f"modules not installed: {missing} (installed: {sorted(eps)})")
    modules = []
    for name in names:
        module = eps[name].load()()  # type: ignore[attr-defined]
        if not isinstance(module, Module) or module.name != name:
            raise TypeError(f"entry point {name!r} did not return Module {name!r}")
        modules.append(module)
    return modules
