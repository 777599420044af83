"""``python -m testnet.stop DIR``: stop every node of a localnet (SIGTERM, then SIGKILL)."""

from __future__ import annotations

import argparse
from pathlib import Path

from testnet.manifest import Localnet
from testnet.process import stop_node


def stop(root: Path, timeout: float = 30) -> None:
    for node in Localnet.load(root).nodes:
        stop_node(node, timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="testnet.stop", description=__doc__)
    parser.add_argument("dir")
    args = parser.parse_args(argv)
    stop(Path(args.dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
