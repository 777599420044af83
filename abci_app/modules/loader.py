"""Finds modules through the ``pysei.modules`` entry point group; built-ins register the same way.

``load_modules`` instantiates the modules enabled in ``app.toml`` and checks that they fit
together: each returns a ``Module`` of its entry point's name, and no store, message type
URL or query path is claimed twice (the core routes by those keys alone).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib.metadata import EntryPoint, entry_points

from abci_app.module_api import Module
from evm_bridge.precompiles.registry import PrecompileTable, precompile_table

GROUP = "pysei.modules"


def available() -> dict[str, EntryPoint]:
    """Installed module entry points by name (enabled or not)."""
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def load_modules(names: Sequence[str]) -> list[Module]:
    """Instantiate the enabled modules, in the order given; unknown names fail loudly."""
    eps = available()
    missing = [n for n in names if n not in eps]
    if missing:
        raise ValueError(f"modules not installed: {missing} (installed: {sorted(eps)})")
    if len(set(names)) != len(names):
        raise ValueError(f"a module is enabled twice: {list(names)}")
    modules = []
    for name in names:
        module = eps[name].load()()
        if not isinstance(module, Module) or module.name != name:
            raise TypeError(f"entry point {name!r} did not return Module {name!r}")
        modules.append(module)
    check_compatible(modules)
    share_precompile_table(modules)
    return modules


def share_precompile_table(modules: Sequence[Module]) -> PrecompileTable:
    """The chain's precompile table (built-ins, then each module's in order), handed to every
    module that asked for it (``Module.use_precompile_table``)."""
    table = precompile_table(module.precompiles for module in modules)
    for module in modules:
        if module.use_precompile_table is not None:
            module.use_precompile_table(table)
    return table


def check_compatible(modules: Sequence[Module]) -> None:
    """Raise ``ValueError`` when two modules claim one store, message type or query path."""
    _unique("store", ((s, m.name) for m in modules for s in m.store_names))
    _unique("message type", ((t, m.name) for m in modules for t in m.messages))
    _unique("query path", ((p, m.name) for m in modules for p in m.queries))
    _unique("precompile address", (("0x" + a.hex(), m.name) for m in modules for a in m.precompiles))
    for m in modules:
        for url, handler in m.messages.items():
            if not url.startswith("/") or handler.type_url != url:
                raise ValueError(f"module {m.name}: message key {url!r} must be its handler's '/' type URL")
        for path in m.queries:
            if not path.startswith("/"):
                raise ValueError(f"module {m.name}: query path {path!r} must start with '/'")


def _unique(what: str, claims: Iterable[tuple[str, str]]) -> None:
    owner: dict[str, str] = {}
    for key, name in claims:
        if key in owner:
            raise ValueError(f"{what} {key!r} claimed by both {owner[key]} and {name}")
        owner[key] = name
