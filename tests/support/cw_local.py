"""Build a CosmWasm test contract from its source in this repository (``tests/contracts/
wasm/<name>/``, a crate depending on crates.io crates) into ``.cache/wasm/<name>.wasm``,
rebuilt when its sources change; the same flags as ``tests.support.cw``."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from tests.support.cw import CACHE, TARGET, ensure_target

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "tests" / "contracts" / "wasm"


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "target" not in p.parts):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def build_local(name: str) -> Path:
    """The ``.wasm`` of ``tests/contracts/wasm/<name>`` (built on first use)."""
    src = SOURCES / name
    out = CACHE / f"{name}-{_digest(src)}.wasm"
    if out.exists():
        return out
    ensure_target()
    CACHE.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CARGO_TARGET_DIR": str(CACHE / "target"),
        "RUSTFLAGS": "-C link-arg=-s",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL": "s",
        "CARGO_PROFILE_RELEASE_DEBUG": "false",
        "CARGO_PROFILE_RELEASE_PANIC": "abort",
    }
    proc = subprocess.run(["cargo", "build", "--release", "--lib", "--target", TARGET], cwd=src, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"cargo build of {name} failed:\n{proc.stderr[-4000:]}")
    shutil.copyfile(CACHE / "target" / TARGET / "release" / (name.replace("-", "_") + ".wasm"), out)
    return out
