"""SeiDB benchmark: prints, side by side in one run,

1. SS latest-version get vs a raw rocksdict get of the same keys (ratio),
2. commit time of a 1,000-key change set (SC stage + changelog + SS) on a 100k-key state,
3. on-disk SS bytes per live key after 1,000 heights, with and without pruning,
4. restart time from snapshot + changelog,
5. commit (stage + durable commit) of a real block's change set vs the time to execute it:
   native transfers between distinct accounts through the app's runner on SeiDB.

Run: ``.venv/bin/python bench/store_bench.py`` (about a minute; ``--quick`` for less).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rocksdict import Options, Rdict  # noqa: E402

from abci_app.application.blockexec import execute_block  # noqa: E402
from abci_app.application.runner import BlockTask  # noqa: E402
from ledger.context import make_context  # noqa: E402
from occ.executors import SerialExecutor  # noqa: E402
from occ.runtime import use_fast_keccak  # noqa: E402
from store.api import ChangeSet  # noqa: E402
from store.config import StoreConfig  # noqa: E402
from store.multistore import SeiDB  # noqa: E402
from tests.support.chain import CHAIN_ID, EVM_CHAIN_ID, InProcessChain, cosmos_send, make_keys  # noqa: E402


def progress(msg: str) -> None:
    print(f"  .. {msg}", file=sys.stderr, flush=True)


def key(i: int) -> bytes:
    return b"\x01balance/" + i.to_bytes(20, "big")


def fill(db: SeiDB, keys: int, per_height: int) -> int:
    h = db.last_height()
    for start in range(0, keys, per_height):
        h += 1
        db.stage(h, ChangeSet.from_writes({"bank": {key(i): b"%032d" % (i * h) for i in range(start, start + per_height)}}))
        db.commit()
    return h


def bench_reads(home: Path, keys: int, samples: int) -> tuple[float, float]:
    with SeiDB(home / "db", StoreConfig(sc_snapshot_interval=0)) as db:
        fill(db, keys, 1000)
        rng = random.Random(1)
        probe = [key(rng.randrange(keys)) for _ in range(samples)]
        opts = Options(raw_mode=True)
        opts.create_if_missing(True)
        raw = Rdict(str(home / "raw"), opts)
        for i in range(keys):
            raw[b"bank/" + key(i)] = b"%032d" % i
        raw_keys = [b"bank/" + k for k in probe]
        view = db.read_view()
        best_ss, best_raw = [], []
        for _ in range(3):
            t = time.perf_counter()
            for k in probe:
                view.get("bank", k)
            best_ss.append((time.perf_counter() - t) / samples * 1e6)
            t = time.perf_counter()
            for k in raw_keys:
                raw.get(k)
            best_raw.append((time.perf_counter() - t) / samples * 1e6)
        raw.close()
        return min(best_ss), min(best_raw)


def bench_commit(home: Path, keys: int, rounds: int) -> tuple[float, float]:
    with SeiDB(home / "commit", StoreConfig(sc_snapshot_interval=0)) as db:
        h = fill(db, keys, 1000)
        rng = random.Random(2)
        stage_ms, commit_ms = [], []
        for _ in range(rounds):
            h += 1
            cs = ChangeSet.from_writes({"bank": {key(rng.randrange(keys)): b"%032d" % h for _ in range(1000)}})
            t0 = time.perf_counter()
            db.stage(h, cs)
            t1 = time.perf_counter()
            db.commit()
            t2 = time.perf_counter()
            stage_ms.append((t1 - t0) * 1e3)
            commit_ms.append((t2 - t1) * 1e3)
        return statistics.median(stage_ms), statistics.median(commit_ms)


def bench_disk(home: Path, heights: int, live: int, keep: int) -> float:
    cfg = StoreConfig(ss_keep_recent=keep, ss_prune_interval_heights=100, sc_snapshot_interval=0)
    with SeiDB(home / f"disk-{keep}", cfg) as db:
        rng = random.Random(3)
        fill(db, live, 1000)
        for h in range(db.last_height() + 1, heights + 1):
            db.stage(h, ChangeSet.from_writes({"bank": {key(rng.randrange(live)): b"%032d" % h for _ in range(100)}}))
            db.commit()
        db.wait_background()
        db.ss.compact()
        size = sum(p.stat().st_size for p in (home / f"disk-{keep}" / "ss").rglob("*") if p.is_file())
        return size / live


def bench_restart(home: Path, keys: int, interval: int, extra: int) -> tuple[float, int]:
    folder = home / "restart"
    cfg = StoreConfig(sc_snapshot_interval=interval)
    with SeiDB(folder, cfg) as db:
        h = fill(db, keys, 1000)
        db.wait_background()
        for h2 in range(h + 1, h + 1 + extra):
            db.stage(h2, ChangeSet.from_writes({"bank": {key(h2): b"x" * 32}}))
            db.commit()
        replayed = db.last_height() - db.sc.snapshots.heights()[-1]
    t = time.perf_counter()
    with SeiDB(folder, cfg):
        elapsed = time.perf_counter() - t
    return elapsed, replayed


def bench_block(home: Path, txs: int) -> tuple[float, float, int]:
    """Execute a block of ``txs`` native transfers (serially, through the real app), then
    stage and commit its change set; returns (execute ms, commit ms, keys written)."""

    keys = make_keys(txs + 1, seed="store-bench")
    with InProcessChain(home / "block", keys) as chain:
        chain.init_chain()
        chain.block([])
        app, db = chain.app, chain.db
        tasks = [BlockTask(app.codec.decode(cosmos_send(keys[i], keys[i + 1].sei, 1, i, 0))) for i in range(txs)]
        base = db.read_view()
        ctx = make_context(base, height=db.last_height() + 1, time_ns=0, chain_id=CHAIN_ID,
                           evm_chain_id=EVM_CHAIN_ID, proposer=b"\0" * 20, block_hash=b"\1" * 32)
        began = time.perf_counter()
        outcome = execute_block(tasks, ctx, base, db.last_height(), SerialExecutor(), app.runner, app.modules)
        executed = time.perf_counter()
        db.stage(ctx.height, outcome.changeset)
        db.commit()
        committed = time.perf_counter()
        assert all(r.code == 0 for r in outcome.results)
        return (executed - began) * 1e3, (committed - executed) * 1e3, len(outcome.changeset)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    use_fast_keccak()  # as the node does at start
    keys = 20_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        progress(f"reads over {keys} keys")
        ss_us, raw_us = bench_reads(home, keys, 20_000)
        progress("1,000-key commits")
        stage_ms, commit_ms = bench_commit(home, keys, 10 if args.quick else 20)
        progress("1,000 heights, with and without pruning")
        heights = 300 if args.quick else 1000
        pruned = bench_disk(home, heights, 2000, keep=100)
        kept = bench_disk(home, heights, 2000, keep=0)
        progress("restart")
        restart_s, replayed = bench_restart(home, keys, interval=keys // 1000, extra=50)
        progress("a real block: execute vs commit")
        exec_ms, block_commit_ms, written = bench_block(home, 300)
    print(f"SS latest get            {ss_us:7.2f} us   raw rocksdict get {raw_us:6.2f} us   ratio {ss_us / raw_us:5.2f}x")
    print(f"1,000-key change set     stage (SC) {stage_ms:6.1f} ms   commit (changelog fsync + SS) {commit_ms:6.1f} ms"
          f"   total {stage_ms + commit_ms:6.1f} ms   ({keys} keys in state)")
    print(f"SS bytes per live key    after {heights} heights: pruned (keep 100) {pruned:8.0f}   unpruned {kept:8.0f}"
          f"   ratio {kept / pruned:5.2f}x")
    print(f"restart                  {restart_s * 1e3:7.0f} ms   ({keys} keys: newest snapshot + {replayed} changelog heights)")
    print(f"real block, 300 sends    execute {exec_ms:6.1f} ms   stage + commit {block_commit_ms:6.1f} ms"
          f"   ({written} keys)   commit / execute {block_commit_ms / exec_ms:5.2f}x")


if __name__ == "__main__":
    main()
