"""Crash safety: a process committing heights is killed with SIGKILL at random moments
(mid-commit, mid-snapshot); every restart has every height the writer saw committed, the
right app hash, and SS in step with SC."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import time
from pathlib import Path

from store.api import ChangeSet
from store.config import StoreConfig
from store.multistore import SeiDB
from store.sc import tree
from store.sc.multitree import MultiTree

CFG = StoreConfig(sc_snapshot_interval=7, ss_keep_recent=20, ss_prune_interval_heights=5)


def block(h: int) -> ChangeSet:
    rng = random.Random(h)
    return ChangeSet.from_writes(
        {"bank": {b"k%04d" % rng.randrange(3000): None if rng.random() < 0.1 else b"%d" % h for _ in range(300)}}
    )


def writer(home: str, log: str) -> None:
    db = SeiDB(home, CFG)
    db.start()
    h = db.last_height()
    with open(log, "a") as out:
        while True:
            h += 1
            db.stage(h, block(h))
            db.commit()
            out.write(f"{h}\n")
            out.flush()


def test_kill9_rounds(tmp_path: Path) -> None:
    home, log = str(tmp_path / "home"), tmp_path / "committed.log"
    ref = MultiTree()
    hashes: dict[int, bytes] = {}
    rng = random.Random(0)
    ctx = mp.get_context("spawn")
    for _ in range(6):
        p = ctx.Process(target=writer, args=(home, str(log)))
        p.start()
        time.sleep(1.0 + rng.random() * 1.0)  # spawn start-up takes ~0.5 s
        os.kill(p.pid, signal.SIGKILL)
        p.join()
        seen = [int(x) for x in log.read_text().split()]
        with SeiDB(home, CFG) as db:
            last = db.last_height()
            assert last >= (seen[-1] if seen else 0)
            while ref.version < last:
                ref.replay(ref.version + 1, block(ref.version + 1))
                hashes[ref.version] = ref.hash
            assert db.last_app_hash() == hashes[last]
            assert db.ss.latest_version() == last
            probe = [b"k%04d" % i for i in range(0, 3000, 37)]
            view = db.read_view()
            assert [view.get("bank", k) for k in probe] == [tree.get(ref.roots.get("bank"), k) for k in probe]
            del view  # a live view keeps RocksDB (and its lock) open
    assert ref.version > 20
