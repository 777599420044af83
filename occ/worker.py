"""The worker's side of OCC: running a segment of a block speculatively, and a worker
process's loop.

A worker runs its segment's txs in order, each through a ``TxView`` over the base state
plus the writes of the segment's earlier txs (a tx that raised adds none), and reports the
outcomes in batches so the coordinator can validate the first ones while later ones run.
Replies are sent from the executing thread (a sender thread cost more in GIL hand-offs than
it saved); the coordinator drains them while it executes, so the pipe does not fill.
"""

from __future__ import annotations

import pickle
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from queue import SimpleQueue
from typing import Any

from occ.api import Outcome, RemoteTaskError, TaskRunner, Writes
from occ.runtime import use_fast_keccak, yield_to_coordinator
from occ.view import TxView
from store.api import ReadView, StateOpener
from store.gc_policy import GcPolicy
from untrusted.lifeline import exit_with
from untrusted.stack import configure_process, run_on_sized_stack

PROTOCOL = pickle.HIGHEST_PROTOCOL

# Message kinds, coordinator -> worker: (BLOCK, (runner, context, base_version)),
# (SEGMENT, (first index, tasks, batch)), (CANCEL, None), (STOP, None). Any message that
# arrives while a segment runs ends it (a new block, or the coordinator gave up waiting).
# Worker -> coordinator: (READY, None) once started, (OK, (outcomes as plain tuples, last of
# the segment, busy ns)), (FATAL, text).
BLOCK, SEGMENT, CANCEL, STOP, OK, FATAL, READY = range(7)
#: Where an outcome tuple holds the runner's exception.
ERROR = Outcome._fields.index("error")


def run_segment(
    runner: TaskRunner,
    context: Any,
    base: ReadView,
    first: int,
    tasks: Sequence[Any],
    batch: int,
    interrupted: Callable[[], bool] | None = None,
) -> Iterator[tuple[list[tuple[Any, ...]], bool]]:
    """Execute ``tasks`` (block indices from ``first``) in order; yield ``(outcomes, last)``
    every ``batch`` txs, each outcome as the plain tuple of an ``Outcome``'s fields (cheap
    to ship). Stops early, with a last batch, once ``interrupted()`` (checked before each
    tx) is true."""
    below: Writes = {}
    outcomes: list[tuple[Any, ...]] = []
    last_index = first + len(tasks) - 1
    for index, task in enumerate(tasks, first):
        if interrupted is not None and interrupted():
            yield outcomes, True
            return
        view = TxView(index, base, below)
        try:
            outcomes.append(view.fields(runner.run(task, context, view), None))
            below.update(view.layer)
        except Exception as exc:
            outcomes.append(view.fields(None, exc))
        if len(outcomes) == batch or index == last_index:
            yield outcomes, index == last_index
            outcomes = []


def portable(outcomes: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Replace runner exceptions that cannot be pickled by ``RemoteTaskError``."""
    out = []
    for o in outcomes:
        error = o[ERROR]
        if error is not None:
            try:
                pickle.dumps(error, PROTOCOL)
            except Exception:
                o = (*o[:ERROR], RemoteTaskError(f"{type(error).__name__}: {error}"), *o[ERROR + 1 :])
        out.append(o)
    return out


def _drain(conn: Connection, inbox: SimpleQueue[bytes | None]) -> None:
    """Move every message from the coordinator into ``inbox`` as it arrives (None: closed).

    A worker's inbox never fills, so the coordinator's sends never block on a worker that is
    itself blocked sending a large reply: no deadlock whatever the message sizes."""
    try:
        while True:
            inbox.put(conn.recv_bytes())
    except (EOFError, OSError):
        inbox.put(None)


def worker_main(
    conn: Connection,
    opener: StateOpener,
    worker: int,
    warm_up: Callable[[], object] | None = None,
    coordinator: int | None = None,
    gc_policy: GcPolicy | None = None,
) -> None:
    """Worker process number ``worker``: open the state, run ``warm_up``, serve BLOCK and
    SEGMENT until STOP, on a thread with the stack ``untrusted.stack`` sizes, collecting
    garbage as ``gc_policy`` says. The process exits as soon as the ``coordinator`` process
    (a pid) does, however it died."""
    if coordinator is not None:
        exit_with(coordinator)
    use_fast_keccak()  # before warm-up: its imports hash
    try:
        run_on_sized_stack(_serve, conn, opener, worker, warm_up, gc_policy, name="occ-worker")
    except KeyboardInterrupt:
        return


def _serve(
    conn: Connection,
    opener: StateOpener,
    worker: int,
    warm_up: Callable[[], object] | None,
    gc_policy: GcPolicy | None,
) -> None:
    reader = None
    yield_to_coordinator()
    inbox: SimpleQueue[bytes | None] = SimpleQueue()
    threading.Thread(target=_drain, args=(conn, inbox), name="occ-inbox", daemon=True).start()

    def interrupted() -> bool:
        return not inbox.empty()

    try:
        reader = opener.open()
        if warm_up is not None:
            warm_up()
        configure_process()  # after warm-up: importing the EVM raises the recursion limit
        if gc_policy is not None:
            gc_policy.between_segments()  # automatic collection off from the start
        conn.send_bytes(pickle.dumps((READY, None), PROTOCOL))
        runner = context = base = None
        while (message := inbox.get()) is not None:
            begin = time.perf_counter_ns()
            kind, body = pickle.loads(message)
            if kind == BLOCK:
                shipped, context, version = body
                if shipped != runner:  # an equal runner is kept with what it built before
                    runner = shipped
                base = reader.view(version)
            elif kind == SEGMENT:
                first, tasks, batch = body
                segment = run_segment(runner, context, base, first, tasks, batch, interrupted)
                for outcomes, last in segment:
                    now = time.perf_counter_ns()  # this batch's pickling counts in the next
                    if any(o[ERROR] is not None for o in outcomes):
                        outcomes = portable(outcomes)
                    reply = (OK, (outcomes, last, now - begin))
                    conn.send_bytes(pickle.dumps(reply, PROTOCOL))  # the coordinator drains
                    begin = now
                if gc_policy is not None:
                    gc_policy.between_segments()  # while the coordinator settles, not on its path
            elif kind == STOP:
                return
    except KeyboardInterrupt:
        return
    except BaseException:
        try:
            conn.send_bytes(pickle.dumps((FATAL, traceback.format_exc()), PROTOCOL))
        except OSError:
            pass
    finally:
        if reader is not None:
            reader.close()
