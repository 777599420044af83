"""The core imports no plug-in module: neither tokenfactory nor any other package that
registers ``pysei.modules`` entry points from outside the ``pysei`` distribution (a module
from ``pysei scaffold module`` included); the import-linter contract says the same for
tokenfactory by name."""

from __future__ import annotations

import ast
from importlib.metadata import entry_points
from pathlib import Path

from abci_app.cli.scaffold import scaffold_module
from abci_app.modules.loader import GROUP

ROOT = Path(__file__).resolve().parents[3]
CORE = ("abci_app", "occ", "store", "ledger", "evm_bridge", "wasm_bridge")


def core_imports() -> set[str]:
    """Top-level names the core's sources import (absolute imports only)."""
    names: set[str] = set()
    for package in CORE:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names


def plugin_packages() -> set[str]:
    return {ep.value.split(".")[0].split(":")[0] for ep in entry_points(group=GROUP)
            if ep.dist is None or ep.dist.name != "pysei"}


def test_core_imports_no_plugin() -> None:
    plugins = plugin_packages() | {"pysei_tokenfactory"}
    assert "pysei_tokenfactory" in plugin_packages(), "modules/tokenfactory is not installed (make install)"
    imported = core_imports()
    assert not imported & plugins
    assert not {n for n in imported if n.startswith("pysei_") and n != "pysei_pb"}


def test_scaffolded_package_is_a_plugin_name(tmp_path: Path) -> None:
    out = scaffold_module("probe", tmp_path / "probe")
    assert (out / "pysei_probe" / "module.py").exists()
    assert "pysei_probe" not in core_imports()
    assert '"pysei.modules"' in (out / "pyproject.toml").read_text()
