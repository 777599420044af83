"""The compiled pointer contracts the node deploys.

``build.py`` compiles each shipped ``.sol`` source with the npm solc pinned in
``tests/e2e/js`` (``make pointers``; ``make run`` and ``make test`` do it) into
``.cache/pointers/<Name>.json``: the source's sha256, the solc version, the ABI and the
creation bytecode. Loading checks the recorded sha256 against the shipped source, so a
stale build is refused rather than deployed. Every validator builds from the same source
with the same pinned compiler, so all deploy the same bytecode.

The CosmWasm pointers (``WASM_VERSIONS``: ``cwerc20``, the CW20 of an ERC-20) are Rust
crates in this folder, built by cargo for ``wasm32-unknown-unknown`` (crates pinned by the
crate's ``Cargo.lock``) into ``.cache/pointers/<name>.wasm`` beside a ``<name>.json`` that
records the crate's digest and the rustc version. Validators must build them with the same
rustc to store the same code (its checksum is part of the state).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from untrusted import json_text

SOURCES = Path(__file__).resolve().parent
BUILD = SOURCES.parents[1] / ".cache" / "pointers"

#: Pointer contracts: source/contract name -> implementation version (bump on any change
#: that must upgrade deployed pointers).
NATIVE = "NativePointer"
CW20 = "CW20Pointer"
VERSIONS = ((NATIVE, 1), (CW20, 1))
#: CosmWasm pointer contracts: crate folder -> implementation version.
CWERC20 = "cwerc20"
WASM_VERSIONS = ((CWERC20, 1),)


class ArtifactMissing(Exception):
    """The pointer contract is not built (or was built from another source)."""


@dataclass(frozen=True)
class Artifact:
    name: str
    version: int
    creation: bytes  # creation bytecode; constructor arguments are appended ABI-encoded
    abi: tuple[dict, ...]


def source_path(name: str) -> Path:
    return SOURCES / f"{name}.sol"


def source_digest(name: str) -> str:
    return hashlib.sha256(source_path(name).read_bytes()).hexdigest()


def version_of(name: str) -> int:
    return dict(VERSIONS + WASM_VERSIONS)[name]


def crate_path(name: str) -> Path:
    return SOURCES / name


def crate_digest(name: str) -> str:
    """sha256 over the crate's files (``Cargo.toml``, ``Cargo.lock``, ``src/``), by path."""
    folder = crate_path(name)
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "target" not in p.relative_to(folder).parts):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class WasmArtifact:
    name: str
    version: int
    code: bytes  # the contract's .wasm


def load_wasm(name: str, build_dir: Path = BUILD) -> WasmArtifact:
    """The built CosmWasm pointer ``name``; ``ArtifactMissing`` when absent or stale."""
    meta, code = build_dir / f"{name}.json", build_dir / f"{name}.wasm"
    if not meta.exists() or not code.exists():
        raise ArtifactMissing(f"pointer contract {name} is not built: run `make pointers`")
    if json_text.loads(meta.read_bytes()).get("source_sha256") != crate_digest(name):
        raise ArtifactMissing(f"pointer contract {name} was built from another source: run `make pointers`")
    return WasmArtifact(name, version_of(name), code.read_bytes())


def load(name: str, build_dir: Path = BUILD) -> Artifact:
    """The built artifact of ``name``; ``ArtifactMissing`` when absent or stale."""
    path = build_dir / f"{name}.json"
    if not path.exists():
        raise ArtifactMissing(f"pointer contract {name} is not built: run `make pointers`")
    data = json_text.loads(path.read_bytes())
    if data.get("source_sha256") != source_digest(name):
        raise ArtifactMissing(f"pointer contract {name} was built from another source: run `make pointers`")
    return Artifact(name, version_of(name), bytes.fromhex(data["bytecode"]), tuple(data["abi"]))


class Artifacts:
    """Loads each artifact once, on first use (what the pointer precompile holds)."""

    def __init__(self, build_dir: Path = BUILD) -> None:
        self.build_dir = build_dir
        self._loaded: dict[str, Artifact] = {}
        self._wasm: dict[str, WasmArtifact] = {}

    def get(self, name: str) -> Artifact:
        found = self._loaded.get(name)
        if found is None:
            found = self._loaded[name] = load(name, self.build_dir)
        return found

    def wasm(self, name: str) -> WasmArtifact:
        found = self._wasm.get(name)
        if found is None:
            found = self._wasm[name] = load_wasm(name, self.build_dir)
        return found


def require_all(build_dir: Path = BUILD) -> None:
    """Raise ``ArtifactMissing`` unless every pointer contract is built from its shipped
    source: a node without them would revert pointer registrations its peers accept, so it
    must not start."""
    for name, _ in VERSIONS:
        load(name, build_dir)
    for name, _ in WASM_VERSIONS:
        load_wasm(name, build_dir)
