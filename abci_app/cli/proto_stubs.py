"""Generate the Python stubs in ``pysei_pb/`` from the ``.proto`` sources in ``proto/``.

Usage: ``python -m abci_app.cli.proto_stubs [--check]``. The sources keep CometBFT's and the Cosmos
SDK's package names and import paths (``tendermint/abci/types.proto``); the generated modules
live under the ``pysei_pb`` Python package, so imports between sources are re-rooted there
while staging. ``--check`` regenerates into a temporary folder and fails if the committed
stubs differ (run by the unit tests).
"""

from __future__ import annotations

import filecmp
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "proto"
PACKAGE = "pysei_pb"
GRPC_SERVED = {f"{PACKAGE}/tendermint/abci/types.proto"}
_LOCAL_IMPORT = re.compile(r'^import "((?!google/)[^"]+)";', re.M)


def _stage(staging: Path) -> list[Path]:
    files = []
    for src in sorted(SOURCES.rglob("*.proto")):
        rel = src.relative_to(SOURCES)
        dst = staging / PACKAGE / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(_LOCAL_IMPORT.sub(rf'import "{PACKAGE}/\1";', src.read_text()))
        files.append(Path(PACKAGE) / rel)
    return files


def generate(out_dir: Path) -> None:
    """Write ``pysei_pb`` (messages, gRPC stubs, ``__init__.py`` files) under ``out_dir``."""
    # grpcio-tools is a development dependency (the ``dev`` extra), not installed with the node.
    import grpc_tools  # noqa: PLC0415
    from grpc_tools import protoc  # noqa: PLC0415

    well_known = Path(grpc_tools.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp)
        files = _stage(staging)
        # Only ABCI is served over gRPC; module Query/Msg services are routed by path
        # through ABCI Query and need no gRPC stubs.
        with_service = [f for f in files if f.as_posix() in GRPC_SERVED]
        args = ["protoc", f"-I{staging}", f"-I{well_known}", f"--python_out={out_dir}", *map(str, files)]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed")
        if with_service:
            args = ["protoc", f"-I{staging}", f"-I{well_known}", f"--grpc_python_out={out_dir}", *map(str, with_service)]
            if protoc.main(args) != 0:
                raise SystemExit("protoc (grpc) failed")
    for folder in [out_dir / PACKAGE, *sorted((out_dir / PACKAGE).rglob("*"))]:
        if folder.is_dir():
            (folder / "__init__.py").touch()


def dir_differences(a: Path, b: Path) -> list[str]:
    """Files that differ between two generated trees (recursively, ignoring caches)."""
    cmp = filecmp.dircmp(a, b, ignore=["__pycache__"])
    out = [f"{a}/{n}" for n in cmp.left_only + cmp.right_only + cmp.diff_files]
    for sub in cmp.common_dirs:
        out += dir_differences(a / sub, b / sub)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp))
            diff = dir_differences(ROOT / PACKAGE, Path(tmp) / PACKAGE)
        if diff:
            print("stale generated stubs (run `make proto`):", *diff, sep="\n  ")
            return 1
        print("generated stubs are current")
        return 0
    shutil.rmtree(ROOT / PACKAGE, ignore_errors=True)
    generate(ROOT)
    print(f"generated {PACKAGE}/ from {SOURCES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
