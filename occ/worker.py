"""The worker's side of OCC: running chunks of incarnations, and a worker process's loop.

A worker keeps a multiversion store per block: the final writes the coordinator shipped,
and the writes of the txs it ran itself, so each tx also sees its chunk's (and earlier
chunks') lower txs. Those speculative entries stay until a shipped record of the same tx
replaces them; the coordinator does not ship a worker the records of its own valid outcomes,
which it already holds. Reads of speculative entries are validated like any other.
"""

from __future__ import annotations

import pickle
import threading
import traceback
from collections.abc import Sequence
from multiprocessing.connection import Connection
from queue import SimpleQueue
from typing import Any

from occ.api import Chunk, Outcome, RemoteTaskError, Shipment, TaskRunner
from occ.mvstore import MVStore
from occ.runtime import collect_between_blocks, yield_to_coordinator
from occ.view import Dependency, TrackedView
from store.api import ReadView, StateOpener

PROTOCOL = pickle.HIGHEST_PROTOCOL

# Message kinds, coordinator -> worker: (BLOCK, (runner, context, base_version)),
# (CHUNK, (shipments, chunk)), (STOP, None). Worker -> coordinator: (OK, outcomes as plain
# tuples, cheaper to pickle than ``Outcome``), (FATAL, text).
BLOCK, CHUNK, STOP, OK, FATAL = range(5)


class ChunkRunner:
    """Executes chunks for worker number ``worker``; ``begin`` resets it for a block."""

    def __init__(self, worker: int) -> None:
        self.worker = worker
        self._mv = MVStore()
        self._runner: TaskRunner | None = None
        self._context: Any = None
        self._base: ReadView | None = None

    def begin(self, runner: TaskRunner, context: Any, base: ReadView) -> None:
        self._mv = MVStore()
        self._runner, self._context, self._base = runner, context, base

    def run(self, shipments: Sequence[Shipment], chunk: Chunk) -> list[Outcome]:
        mv, runner, context, base = self._mv, self._runner, self._context, self._base
        assert runner is not None and base is not None, "begin() first"
        for origin, records in shipments:
            if origin != self.worker:
                for index, incarnation, writes in pickle.loads(records):
                    mv.record(index, incarnation, writes)
        outcomes = []
        for index, incarnation, task in chunk:
            view = TrackedView(index, base, mv)
            try:
                outcome = view.outcome(incarnation, runner.run(task, context, view), None)
            except Dependency as dep:
                outcome = view.outcome(incarnation, None, None, dep.sk)
            except Exception as exc:
                outcome = view.outcome(incarnation, None, exc)
            mv.record(index, incarnation, outcome.writes)
            if outcome.error is not None or outcome.blocked_on is not None:
                mv.mark_estimate(index)  # later txs must not build on it
            outcomes.append(outcome)
        return outcomes


def portable(outcomes: list[Outcome]) -> list[Outcome]:
    """Replace runner exceptions that cannot be pickled by ``RemoteTaskError``."""
    out = []
    for o in outcomes:
        if o.error is not None:
            try:
                pickle.dumps(o.error, PROTOCOL)
            except Exception:
                o = o._replace(error=RemoteTaskError(f"{type(o.error).__name__}: {o.error}"))
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


def worker_main(conn: Connection, opener: StateOpener, worker: int) -> None:
    """Worker process number ``worker``: open the state, serve BLOCK and CHUNK until STOP."""
    reader = None
    yield_to_coordinator()
    inbox: SimpleQueue[bytes | None] = SimpleQueue()
    threading.Thread(target=_drain, args=(conn, inbox), name="occ-inbox", daemon=True).start()
    try:
        reader = opener.open()
        chunks = ChunkRunner(worker)
        while (message := inbox.get()) is not None:
            kind, body = pickle.loads(message)
            if kind == BLOCK:
                runner, context, version = body
                chunks.begin(runner, context, reader.view(version))
                collect_between_blocks()
            elif kind == CHUNK:
                reply = (OK, [tuple(o) for o in portable(chunks.run(*body))])
                conn.send_bytes(pickle.dumps(reply, PROTOCOL))
            else:
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
