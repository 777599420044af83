"""Running localnet nodes as background ``pysei start`` processes with pid files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from testnet.manifest import NodeInfo

ROOT = Path(__file__).resolve().parent.parent


def read_pid(node: NodeInfo) -> int | None:
    try:
        return int(node.pid_path.read_text().strip())
    except (OSError, ValueError):
        return None


def alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this process counts as gone
        return os.waitpid(pid, os.WNOHANG) == (0, 0)
    except ChildProcessError:
        return True


def start_node(node: NodeInfo) -> int:
    """Spawn ``pysei start --home`` in its own session; log to ``node.log``; write the pid file."""
    pid = read_pid(node)
    if alive(pid):
        return pid  # type: ignore[return-value]
    with open(node.log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "abci_app.cli.main", "start", "--home", str(node.home)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
        )
    node.pid_path.write_text(f"{proc.pid}\n")
    return proc.pid


def stop_node(node: NodeInfo, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    """Signal the node's ``pysei start``; SIGKILL its whole session if it outlives ``timeout``."""
    pid = read_pid(node)
    if alive(pid):
        os.kill(pid, sig)  # type: ignore[arg-type]
        deadline = time.time() + timeout
        while alive(pid) and time.time() < deadline:
            time.sleep(0.1)
    reap_session(pid)
    node.pid_path.unlink(missing_ok=True)


def kill_node(node: NodeInfo) -> None:
    """``kill -9`` of the node's ``pysei start`` only (its cometbft gets SIGTERM from the kernel)."""
    pid = read_pid(node)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]
        while alive(pid):
            time.sleep(0.05)
    reap_session(pid)


def reap_session(pid: int | None, grace: float = 15) -> None:
    """Wait for what is left of the session ``pid`` led (cometbft, OCC workers); then SIGKILL it."""
    if pid is None:
        return
    deadline = time.time() + grace
    while time.time() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
