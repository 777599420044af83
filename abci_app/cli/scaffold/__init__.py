"""``pysei scaffold module NAME``: a new module package, ready to install and test.

Map: ``templates`` holds the skeleton's files; ``scaffold_module`` (here) writes them and
generates the protobuf stubs; ``module_stubs`` turns a module package's ``.proto`` files into
stubs that import the core's types (used by the skeleton and by ``modules/tokenfactory``).
"""

from __future__ import annotations

import re
from pathlib import Path
from string import Template

from abci_app.cli.scaffold import templates
from abci_app.cli.scaffold.module_stubs import generate

NAME = re.compile(r"[a-z][a-z0-9_]{1,30}")
RESERVED = frozenset({"auth", "bank", "evm", "staking", "wasm", "params", "distr", "meta", "acc", "tokenfactory"})


def scaffold_module(name: str, out: Path) -> Path:
    """Write the package for module ``name`` into ``out`` (created; must be empty)."""
    if not NAME.fullmatch(name) or name in RESERVED:
        raise ValueError(f"module name {name!r}: use 2-31 lowercase letters, digits, '_' and no built-in name")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    package = f"pysei_{name}"
    files = {
        "pyproject.toml": templates.PYPROJECT,
        "README.md": templates.README,
        f"proto/{name}/v1/tx.proto": templates.TX_PROTO,
        f"proto/{name}/v1/query.proto": templates.QUERY_PROTO,
        f"{package}/__init__.py": templates.INIT,
        f"{package}/module.py": templates.MODULE,
        "tests/test_module.py": templates.TEST,
    }
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(name=name, package=package))
    generate(out / "proto", out, f"{package}.pb")
    return out
