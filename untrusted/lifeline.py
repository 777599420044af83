"""A helper process's lifeline to the process it serves: when that one dies, however it dies
(a clean exit, ``kill -9``, a segfault), the helper exits too.

Why not the kernel's parent-death signal (``PR_SET_PDEATHSIG``): ``multiprocessing``'s
forkserver forks every helper, so a helper's parent is the forkserver, not the node. And
the forkserver and the resource tracker only exit once every helper (each holds their
pipes) has exited, so one helper waiting on a queue whose writer it holds itself keeps all
three alive forever. The lifeline watches the served process itself, by a pid file
descriptor (``pidfd_open``: readable once that process exits, never confused by a reused
pid), from a daemon thread that ends this process with ``os._exit``.
"""

from __future__ import annotations

import os
import select
import threading

#: Exit status of a helper whose served process died.
ORPHANED_EXIT = 70
#: Seconds between checks where ``pidfd_open`` is unavailable (Linux before 5.3).
POLL_S = 0.5


def exit_with(pid: int) -> None:
    """End this process as soon as process ``pid`` has exited (at once if it already has).

    Call it first thing in a helper process, with the served process's pid taken there."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(ORPHANED_EXIT)
    except (AttributeError, OSError):
        fd = None
    threading.Thread(target=_watch, args=(pid, fd), name="lifeline", daemon=True).start()


def _watch(pid: int, fd: int | None) -> None:
    if fd is not None:
        select.select([fd], [], [])
    else:
        while _exists(pid):
            threading.Event().wait(POLL_S)
    os._exit(ORPHANED_EXIT)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
