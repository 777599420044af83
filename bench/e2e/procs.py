"""CPU time, peak memory and pausing of a node's process tree, read from ``/proc``."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def tree(pid: int) -> dict[int, str]:
    """``{pid: name}`` of ``pid`` and all its descendants."""
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        try:
            out[p] = Path(f"/proc/{p}/comm").read_text().strip()
        except OSError:
            continue
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
    return out


def cpu_seconds(pids: dict[int, str]) -> dict[int, float]:
    """User + system CPU seconds of each process so far."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def peak_rss_mib(pids: dict[int, str]) -> dict[int, float]:
    """Each process's peak resident set (``VmHWM``) in MiB."""
    out = {}
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                out[pid] = int(line.split()[1]) / 1024
    return out


def pause(pids: dict[int, str], stop: bool) -> None:
    """SIGSTOP (``stop``) or SIGCONT every process, so an idle node takes no CPU."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGSTOP if stop else signal.SIGCONT)
        except ProcessLookupError:
            continue


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
