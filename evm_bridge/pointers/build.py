"""``python -m evm_bridge.pointers.build``: compile the pointer contracts (``make pointers``).

Solidity: the solc of the npm project in ``tests/e2e/js`` (pinned by its lock file; ``npm
ci`` first), optimizer on with 200 runs, into ``.cache/pointers/<Name>.json``. CosmWasm:
``cargo build --release --locked --target wasm32-unknown-unknown`` of each crate (the
target added with rustup when missing; crates from crates.io), size-optimized, into
``.cache/pointers/<name>.wasm`` and ``<name>.json`` (see ``artifacts``). A build whose
recorded source digest is current is kept.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from evm_bridge.pointers.artifacts import (
    BUILD,
    VERSIONS,
    WASM_VERSIONS,
    crate_digest,
    crate_path,
    source_digest,
    source_path,
)
from untrusted import json_text

JS_DIR = Path(__file__).resolve().parents[2] / "tests" / "e2e" / "js"

_SCRIPT = r"""
const solc = require('solc');
let src = '';
process.stdin.on('data', d => src += d);
process.stdin.on('end', () => {
  const out = solc.compile(src);
  process.stdout.write(JSON.stringify({version: solc.version(), output: JSON.parse(out)}));
});
"""


def compile_one(name: str) -> dict:
    """ABI, creation bytecode and solc version of ``name`` compiled from its source."""
    request = {
        "language": "Solidity",
        "sources": {f"{name}.sol": {"content": source_path(name).read_text()}},
        "settings": {
            "optimizer": {"enabled": True, "runs": 200},
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
        },
    }
    proc = subprocess.run(["node", "-e", _SCRIPT], cwd=JS_DIR, input=json.dumps(request), capture_output=True,
                          text=True, check=True)
    result = json_text.loads(proc.stdout)
    output = result["output"]
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    if errors:
        raise RuntimeError("solc: " + "\n".join(errors))
    contract = output["contracts"][f"{name}.sol"][name]
    return {"solc": result["version"], "abi": contract["abi"], "bytecode": contract["evm"]["bytecode"]["object"]}


TARGET = "wasm32-unknown-unknown"


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stderr[-4000:]}")
    return proc.stdout


def build_crate(name: str, build_dir: Path) -> dict:
    """Build the CosmWasm pointer crate ``name`` into ``build_dir/<name>.wasm``; its metadata."""
    src = crate_path(name)
    if TARGET not in _run(["rustup", "target", "list", "--installed"], src).split():
        _run(["rustup", "target", "add", TARGET], src)
    target_dir = build_dir / "target"
    env = {
        **os.environ,
        "CARGO_TARGET_DIR": str(target_dir),
        # Panic locations embed source paths: map the checkout and the cargo home to fixed
        # names so every validator builds the same bytes (the code's checksum is state).
        "RUSTFLAGS": " ".join([
            "-C link-arg=-s",
            f"--remap-path-prefix={src}=/pysei/{name}",
            f"--remap-path-prefix={_cargo_home()}=/cargo",
        ]),
        "CARGO_PROFILE_RELEASE_OPT_LEVEL": "s",
        "CARGO_PROFILE_RELEASE_DEBUG": "false",
        "CARGO_PROFILE_RELEASE_PANIC": "abort",
    }
    _run(["cargo", "build", "--release", "--locked", "--lib", "--target", TARGET], src, env)
    shutil.copyfile(target_dir / TARGET / "release" / f"{name}.wasm", build_dir / f"{name}.wasm")
    return {"rustc": _run(["rustc", "--version"], src).strip()}


def _cargo_home() -> str:
    return os.environ.get("CARGO_HOME") or str(Path.home() / ".cargo")


def _current(path: Path, digest: str) -> bool:
    return path.exists() and json_text.loads(path.read_bytes()).get("source_sha256") == digest


def ensure_built(build_dir: Path = BUILD) -> list[Path]:
    """Build every pointer contract whose build is missing or stale; the artifact paths."""
    build_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, _ in VERSIONS:
        path = build_dir / f"{name}.json"
        digest = source_digest(name)
        if not _current(path, digest):
            built = {"source_sha256": digest, **compile_one(name)}
            path.write_text(json.dumps(built, sort_keys=True))
        paths.append(path)
    for name, _ in WASM_VERSIONS:
        path = build_dir / f"{name}.json"
        digest = crate_digest(name)
        if not _current(path, digest) or not (build_dir / f"{name}.wasm").exists():
            built = {"source_sha256": digest, **build_crate(name, build_dir)}
            path.write_text(json.dumps(built, sort_keys=True))
        paths.append(build_dir / f"{name}.wasm")
    return paths


def main() -> int:
    for path in ensure_built():
        print(f"built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
