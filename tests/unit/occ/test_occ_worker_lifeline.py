"""OCC worker processes (and multiprocessing's forkserver and resource tracker behind them)
exit when the process that started the pool dies by ``kill -9``, even while a worker is in
the middle of a long tx (so it never reads its closed pipe): none outlives it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from tests.support.node import ROOT
from tests.support.proctree import descendants, wait_gone

WORKERS = 3
POOL_OWNER = f"""
import os, sys, time
from occ.executors import ProcessPoolExecutor
from occ.memory import MemoryOpener, MemoryView


class Slow:
    def run(self, task, context, view):
        print("busy", flush=True)
        time.sleep(60)


if __name__ == "__main__":
    pool = ProcessPoolExecutor(MemoryOpener({{1: {{}}}}), workers={WORKERS})
    pool.start()
    pool.begin_block(Slow(), None, MemoryView({{}}), 1)
    for worker in range({WORKERS}):
        pool.submit(worker, (worker, ["tx"]), 1)
    time.sleep(120)
"""


def test_no_busy_worker_forkserver_or_tracker_outlives_a_kill_9_of_the_pool_owner(tmp_path):
    script = tmp_path / "owner.py"
    script.write_text(POOL_OWNER)
    owner = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert owner.stdout is not None
    seen = ""
    while seen.count("busy") < WORKERS:  # every worker is inside its long tx (their lines may interleave)
        line = owner.stdout.readline()
        assert line, f"the owner ended before every worker was busy: {seen!r}"
        seen += line
    assert seen.replace("\n", "") == "busy" * WORKERS
    helpers = descendants(owner.pid)
    # the forkserver, its WORKERS workers and the resource tracker
    assert len(helpers) == WORKERS + 2, helpers
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    assert wait_gone(set(helpers), timeout=5) == set()
