"""Processes a test session started that are still running: every process the session
spawns (cometbft, ``pysei start``, OCC workers, multiprocessing's forkserver and resource
tracker, and whatever those spawn) inherits a session mark in its environment, so one
left behind is found even after it was re-parented to init."""

from __future__ import annotations

import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

MARK = "PYSEI_TEST_SESSION"
#: multiprocessing's helpers of the test process itself: they exit with it, not before.
OWN_HELPERS = (b"multiprocessing.forkserver", b"multiprocessing.resource_tracker")


@dataclass(frozen=True)
class Leftover:
    pid: int
    ppid: int
    cmdline: str


def mark_session() -> str:
    """Mark this process's environment (inherited by every process started from now on)."""
    token = f"{os.getpid()}-{uuid.uuid4().hex}"
    os.environ[MARK] = token
    return token


def leftovers(token: str) -> list[Leftover]:
    """Running processes (zombies excluded) carrying ``token``, other than this process and
    its own multiprocessing helpers."""
    me = os.getpid()
    needle = f"{MARK}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        ppid = int(fields.get("PPid", "0"))
        if fields.get("State", "").startswith("Z"):
            continue
        if ppid == me and any(h in cmdline for h in OWN_HELPERS):
            continue
        found.append(Leftover(int(entry.name), ppid, cmdline.replace(b"\0", b" ").decode(errors="replace")[:200]))
    return sorted(found, key=lambda p: p.pid)


def wait_for_leftovers(token: str, grace_s: float) -> list[Leftover]:
    """Those still running after ``grace_s`` (helpers exit a moment after what they serve)."""
    deadline = time.monotonic() + grace_s
    while (found := leftovers(token)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def kill(found: list[Leftover]) -> None:
    for p in found:
        try:
            os.kill(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
