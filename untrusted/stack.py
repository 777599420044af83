"""The interpreter's recursion limit and the threads' stack size: one policy, set here.

Why: py-evm and py_ecc raise the recursion limit when imported (py_ecc to 100,000), far
beyond what a thread's C stack holds. CPython 3.11 counts C recursion (the ``json``
decoder, ``repr``, pickling, a ``__call__`` chain) against the same limit, and one level
of such recursion takes up to ~700 bytes of C stack, so past ~12,000 levels an 8 MiB
stack (Linux's default for the main thread and for every new thread) overflows: a
segfault where a ``RecursionError`` was expected.

The policy: ``RECURSION_LIMIT`` is py-evm's own figure (12 Python frames for each of the
EVM's 1,024 call levels; a call level takes ~5 here), and every thread that executes
transactions or requests gets ``THREAD_STACK_BYTES``, 7x what that limit can use.
``configure_process`` applies both; it runs after the EVM libraries are imported (their
import would raise the limit again) and before the process starts its threads: the node
when it starts (``abci_app.node.supervisor`` imports them at its top), each OCC worker process once
it has warmed up, and the test session. Threads'
stacks are reserved address space, not memory: only the pages a thread touches are used.

Recursion on input the chain does not control is bounded separately and far below this
limit (``untrusted.json_text``), so that hitting the limit never depends on where a parse
happens (a worker's stack is not the coordinator's).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

RECURSION_LIMIT = 12_288
THREAD_STACK_BYTES = 64 << 20


def configure_process() -> None:
    """Set the recursion limit and the stack size of threads started from now on."""
    sys.setrecursionlimit(RECURSION_LIMIT)
    threading.stack_size(THREAD_STACK_BYTES)


def run_on_sized_stack(fn: Callable[..., Any], *args: Any, name: str = "main") -> Any:
    """``fn(*args)`` on a thread with ``THREAD_STACK_BYTES`` of stack (the main thread's is
    the fixed 8 MiB), waiting for it; its exception, if any, is raised here. A signal's
    exception (``KeyboardInterrupt``) still reaches this, the main thread."""
    configure_process()
    out: list[Any] = []
    failure: list[BaseException] = []

    def body() -> None:
        try:
            out.append(fn(*args))
        except BaseException as e:  # handed to the caller's thread
            failure.append(e)

    thread = threading.Thread(target=body, name=name, daemon=True)  # a signal ends the process
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return out[0]
