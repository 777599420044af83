"""``exit_with``: a helper process exits as soon as the process it serves dies, even by
``kill -9``, and at once if that process is already gone; without the lifeline it would
live on (the mutation check)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from tests.support.node import ROOT
from untrusted.lifeline import ORPHANED_EXIT

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def helper(served: int, lifeline: bool = True) -> subprocess.Popen:
    call = f"exit_with({served}); " if lifeline else ""
    code = f"from untrusted.lifeline import exit_with; {call}print('up', flush=True); import time; time.sleep(60)"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.readline()  # the lifeline is in place
    return proc


def test_a_helper_exits_within_a_second_of_a_kill_9_of_the_process_it_serves():
    served = subprocess.Popen(SLEEPER)
    proc = helper(served.pid)
    assert proc.poll() is None
    served.send_signal(signal.SIGKILL)
    began = time.monotonic()
    assert proc.wait(timeout=5) == ORPHANED_EXIT
    assert time.monotonic() - began < 1.0
    served.wait()


def test_a_helper_whose_served_process_is_already_gone_exits_at_once():
    served = subprocess.Popen(SLEEPER)
    served.kill()
    served.wait()
    code = f"from untrusted.lifeline import exit_with; exit_with({served.pid}); import time; time.sleep(60)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=30).returncode == ORPHANED_EXIT


def test_without_the_lifeline_the_helper_outlives_its_served_process():
    served = subprocess.Popen(SLEEPER)
    proc = helper(served.pid, lifeline=False)
    served.send_signal(signal.SIGKILL)
    served.wait()
    time.sleep(1.0)
    try:
        assert proc.poll() is None
    finally:
        proc.kill()
        proc.wait()
