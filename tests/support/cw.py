"""Build real CosmWasm contracts (cw-plus crates from crates.io) from source, cached.

Recipe, no Makefile: a throw-away manifest depending on ``name = "=version"`` is fetched
(``cargo fetch``), ``cargo metadata`` locates the crate's own source, which is copied to
``.cache/wasm/src/`` (the registry copy stays read-only) and built there with
``cargo build --release --lib --target wasm32-unknown-unknown`` (a wrapper crate would
export no entry points). The ``.wasm`` lands in ``.cache/wasm/<name>-<version>.wasm``,
outside git; later calls reuse it. ``rustup target add wasm32-unknown-unknown`` runs first
when the target is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "wasm"
TARGET = "wasm32-unknown-unknown"


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed in {cwd}:\n{out.stderr[-4000:]}")
    return out.stdout


def ensure_target() -> None:
    installed = _run(["rustup", "target", "list", "--installed"], ROOT)
    if TARGET not in installed.split():
        _run(["rustup", "target", "add", TARGET], ROOT)


def crate_source(name: str, version: str) -> Path:
    """Fetch ``name`` ``version`` from crates.io; return its registry source folder."""
    probe = CACHE / "fetch" / f"{name}-{version}"
    (probe / "src").mkdir(parents=True, exist_ok=True)
    (probe / "src" / "lib.rs").write_text("")
    (probe / "Cargo.toml").write_text(
        f'[package]\nname = "probe"\nversion = "0.0.0"\nedition = "2021"\n\n'
        f'[dependencies]\n{name} = "={version}"\n\n[workspace]\n'
    )
    _run(["cargo", "fetch"], probe)
    meta = json.loads(_run(["cargo", "metadata", "--format-version", "1"], probe))
    for pkg in meta["packages"]:
        if pkg["name"] == name and pkg["version"] == version:
            return Path(pkg["manifest_path"]).parent
    raise RuntimeError(f"{name} {version} not in cargo metadata")


def build_contract(name: str, version: str) -> Path:
    """The contract's ``.wasm`` (built on first use; cached under ``.cache/wasm/``)."""
    out = CACHE / f"{name}-{version}.wasm"
    if out.exists():
        return out
    ensure_target()
    src = crate_source(name, version)
    work = CACHE / "src" / f"{name}-{version}"
    if not work.exists():
        shutil.copytree(src, work)
        (work / "Cargo.toml").write_text((work / "Cargo.toml").read_text() + "\n[workspace]\n")
    env = {
        **os.environ,
        "CARGO_TARGET_DIR": str(CACHE / "target"),
        "RUSTFLAGS": "-C link-arg=-s",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL": "s",
        "CARGO_PROFILE_RELEASE_DEBUG": "false",
        "CARGO_PROFILE_RELEASE_PANIC": "abort",
    }
    started = time.monotonic()
    _run(["cargo", "build", "--release", "--lib", "--target", TARGET], work, env)
    built = CACHE / "target" / TARGET / "release" / (name.replace("-", "_") + ".wasm")
    shutil.copyfile(built, out)
    (CACHE / f"{name}-{version}.buildtime").write_text(f"{time.monotonic() - started:.1f}\n")
    return out


if __name__ == "__main__":
    import sys

    for spec in sys.argv[1:] or ["cw20-base==2.0.0", "cw1-whitelist==2.0.0"]:
        crate, ver = spec.split("==")
        t0 = time.monotonic()
        path = build_contract(crate, ver)
        print(f"{path} {path.stat().st_size} bytes in {time.monotonic() - t0:.1f}s")
