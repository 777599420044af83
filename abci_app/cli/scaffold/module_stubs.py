"""Python stubs for a plug-in module's own ``.proto`` files, importing the core's types.

Usage: ``python -m abci_app.cli.scaffold.module_stubs PROTO_DIR OUT_DIR PY_PACKAGE [--check]``.

A plug-in keeps its sources under ``PROTO_DIR`` with their usual import paths
(``seiprotocol/seichain/tokenfactory/tx.proto``); the stubs land in ``OUT_DIR/PY_PACKAGE``
(``pysei_tokenfactory/pb``). An import of a file the plug-in does not hold
(``cosmos/base/v1beta1/coin.proto``) resolves to the core's ``pysei_pb`` stub, whose
descriptor is read from the installed ``pysei_pb`` package, so no core ``.proto`` source is
needed and each protobuf type is registered exactly once per process. ``--check`` fails if
the committed stubs differ from a fresh generation.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2

import pysei_pb
from abci_app.cli.proto_stubs import dir_differences

CORE_PACKAGE = "pysei_pb"
_IMPORT = re.compile(r'^import "([^"]+)";', re.M)


def _core_descriptors() -> descriptor_pb2.FileDescriptorSet:
    """Every file descriptor of the core's generated stubs (dependencies first)."""

    out = descriptor_pb2.FileDescriptorSet()
    seen: set[str] = set()

    def add(fd) -> None:  # google.protobuf.descriptor.FileDescriptor
        if fd.name in seen:
            return
        for dep in fd.dependencies:
            add(dep)
        seen.add(fd.name)
        proto = out.file.add()
        fd.CopyToProto(proto)

    for info in pkgutil.walk_packages(pysei_pb.__path__, CORE_PACKAGE + "."):
        if info.name.endswith("_pb2"):
            add(importlib.import_module(info.name).DESCRIPTOR)
    return out


def _stage(proto_dir: Path, staging: Path, prefix: str) -> list[str]:
    own = {p.relative_to(proto_dir).as_posix() for p in proto_dir.rglob("*.proto")}

    def reroot(m: re.Match[str]) -> str:
        path = m.group(1)
        if path.startswith("google/"):
            return m.group(0)
        return f'import "{prefix if path in own else CORE_PACKAGE}/{path}";'

    names = []
    for rel in sorted(own):
        dst = staging / prefix / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_text(_IMPORT.sub(reroot, (proto_dir / rel).read_text()))
        names.append(f"{prefix}/{rel}")
    return names


def generate(proto_dir: Path, out_dir: Path, py_package: str) -> None:
    """Write ``OUT_DIR/<py_package as a path>`` with one ``_pb2`` per source, plus ``__init__``s."""
    # grpcio-tools is a development dependency (the ``dev`` extra), not installed with the node.
    import grpc_tools  # noqa: PLC0415
    from grpc_tools import protoc  # noqa: PLC0415

    prefix = py_package.replace(".", "/")
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "src"
        files = _stage(Path(proto_dir), staging, prefix)
        core = Path(tmp) / "core.pb"
        core.write_bytes(_core_descriptors().SerializeToString())
        args = [
            "protoc", f"-I{staging}", f"-I{well_known}", f"--descriptor_set_in={core}",
            f"--python_out={out_dir}", *files,
        ]
        if protoc.main(args) != 0:
            raise SystemExit("protoc failed")
    root = Path(out_dir) / prefix
    for folder in [root, *sorted(root.rglob("*"))]:
        if folder.is_dir() and folder.name != "__pycache__":
            (folder / "__init__.py").touch()


def stale(proto_dir: Path, out_dir: Path, py_package: str) -> list[str]:
    """Files that differ between the committed stubs and a fresh generation."""
    prefix = py_package.replace(".", "/")
    with tempfile.TemporaryDirectory() as tmp:
        generate(proto_dir, Path(tmp), py_package)
        return dir_differences(Path(out_dir) / prefix, Path(tmp) / prefix)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    if len(args) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    proto_dir, out_dir, package = Path(args[0]), Path(args[1]), args[2]
    if check:
        diff = stale(proto_dir, out_dir, package)
        print("stale stubs:", *diff, sep="\n  ") if diff else print("stubs are current")
        return 1 if diff else 0
    generate(proto_dir, out_dir, package)
    print(f"generated {package} under {out_dir} from {proto_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
