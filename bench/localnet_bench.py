"""Localnet benchmark: the same pre-signed mixed load on a 4-validator localnet (OCC workers
1, 2, 3, 4) and on a single validator, side by side: committed TPS, block interval median
and p99, finality (submission to commit) median and p99, OCC re-execution rate, and the
localnet/single ratio of each.

Run: ``.venv/bin/python bench/localnet_bench.py`` (a few minutes; ``--txs``, ``--rate``,
``--mix``, ``--conflict`` as in ``python -m testnet.load``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testnet.init import init_localnet  # noqa: E402
from testnet.load import LoadReport, run_load  # noqa: E402
from testnet.ports import free_base_port  # noqa: E402
from testnet.start import start  # noqa: E402
from testnet.stop import stop  # noqa: E402

ROWS = (
    ("committed TPS", "tps", "{:.1f}"),
    ("block interval median ms", "block_ms_median", "{:.0f}"),
    ("block interval p99 ms", "block_ms_p99", "{:.0f}"),
    ("finality median ms", "finality_ms_median", "{:.0f}"),
    ("finality p99 ms", "finality_ms_p99", "{:.0f}"),
    ("OCC re-executions / incarnation", "reexecution_rate", "{:.3f}"),
    ("committed / accepted", None, ""),
)


def progress(msg: str) -> None:
    print(f"  .. {msg}", file=sys.stderr, flush=True)


def measure(root: Path, validators: int, workers: list[int], args: argparse.Namespace) -> LoadReport:
    base = free_base_port(validators)
    init_localnet(root, validators, workers=workers, base_port=base, accounts=2 * args.txs + 10)
    started = time.time()
    start(root, wait_height=2, timeout=240)
    progress(f"{validators} validator(s) up in {time.time() - started:.0f}s; loading {args.txs} txs")
    try:
        return run_load(root, args.txs, args.rate, mix=args.mix, conflict=args.conflict)
    finally:
        stop(root)


def table(local: LoadReport, single: LoadReport) -> str:
    rows = [("", "4 validators", "1 validator", "ratio")]
    for label, attr, fmt in ROWS:
        if attr is None:
            rows.append((label, f"{local.committed}/{local.accepted}", f"{single.committed}/{single.accepted}", ""))
            continue
        a, b = getattr(local, attr), getattr(single, attr)
        rows.append((label, fmt.format(a), fmt.format(b), f"{a / b:.2f}" if b else "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths,
                                                                                             strict=True)))
                     for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--txs", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=300)
    parser.add_argument("--mix", default="native=0.4,evm=0.4,erc20=0.2")
    parser.add_argument("--conflict", type=float, default=0.0)
    parser.add_argument("--single-workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="localnet-bench-") as tmp:
        local = measure(Path(tmp) / "four", 4, [1, 2, 3, 4], args)
        single = measure(Path(tmp) / "one", 1, [args.single_workers], args)
    print(f"localnet bench: {args.txs} txs at {args.rate:.0f}/s, mix {args.mix}, conflict {args.conflict}")
    print(table(local, single))
    return 0 if local.lost == single.lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
