"""The CometBFT RPC front (``cometbft_front.py``) in a process of its own.

The front's HTTP work (reading and answering requests, JSON, base64, passing every other
call and its answer, a whole block's JSON, through to CometBFT) and the decoding of the
broadcast txs (protobuf, the signer's address, stateless checks) run there, under that
process's GIL; the node process only admits each batch, decoded: one message in, one out.
In the node process that work shared the GIL with consensus and the JSON-RPC, and each of
its socket reads and writes gave the GIL up to a thread running a block, waiting up to the
switch interval (5 ms) to get it back.

Node side, ``FrontProcess``: starts the process (``start`` returns once it serves the
address, or raises why it could not), admits its batches on a thread of its own (the
app's ``CheckState.admit_local``, each decoded result kept for CheckTx first), and starts
a new one should it die. Front side, ``AdmissionClient``: sends each batch's raws with
their decoded results and resolves the answers in order (the node answers jobs in the
order they were sent). Two one-way pipes; the front writes its jobs from a thread, so its
loop never blocks on a full pipe while the node waits for it to read an answer.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from abci_app.node.cometbft_front import Admission, Admit, CometFront, Keep, admit_each
from abci_app.node.native_decoder import NativeBatchDecode
from untrusted.lifeline import exit_with

log = logging.getLogger("pysei.front")

#: Seconds the process gets to bind its address and report.
START_TIMEOUT_S = 60.0
#: Seconds between a dead front process and its replacement.
RESTART_DELAY_S = 1.0


@dataclass(frozen=True)
class FrontSpec:
    """What the front process needs (picklable): the front's settings and the codec's."""

    address: str
    comet_url: str
    mode: str
    max_body_bytes: int
    max_batch: int
    modules: tuple[str, ...]
    evm_chain_id: int
    max_tx_bytes: int


class FrontProcess:
    """Runs the front for ``spec`` in a helper process; admits its batches with ``admit``
    after handing each decoded result to ``keep``."""

    def __init__(self, spec: FrontSpec, admit: Admit, keep: Keep, name: str = "pysei-rpc-front") -> None:
        self.spec, self.admit, self.keep, self.name = spec, admit, keep, name
        self.port = 0
        #: Front processes started so far (a replacement counts).
        self.starts = 0
        self._proc: BaseProcess | None = None
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the process and return once it serves ``spec.address``; raises ``OSError``
        with its reason when it cannot bind."""
        jobs, answers = self._spawn()
        self._thread = threading.Thread(target=self._serve, args=(jobs, answers), name="front-admission",
                                        daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closing.set()
        self._stop()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            proc.join(timeout=5)

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def _spawn(self) -> tuple[Connection, Connection]:
        ctx = multiprocessing.get_context("forkserver")
        jobs_in, jobs_out = ctx.Pipe(duplex=False)
        answers_in, answers_out = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_front_main, args=(self.spec, jobs_out, answers_in, os.getpid()),
                           name=self.name, daemon=True)
        proc.start()
        jobs_out.close()
        answers_in.close()
        self._proc = proc
        self.starts += 1
        if not jobs_in.poll(START_TIMEOUT_S):
            proc.terminate()
            raise OSError(f"the CometBFT RPC front did not start within {START_TIMEOUT_S:.0f} s")
        try:
            status, value = pickle.loads(jobs_in.recv_bytes())
        except (EOFError, OSError):
            status, value = "failed", "it exited while starting"
        if status != "ready":
            proc.join(timeout=5)
            raise OSError(f"the CometBFT RPC front could not serve {self.spec.address}: {value}")
        self.port = value
        return jobs_in, answers_out

    def _serve(self, jobs: Connection, answers: Connection) -> None:
        """Admit each job; when the process dies (not closing), start another."""
        while not self._closing.is_set():
            try:
                job = jobs.recv_bytes()
            except (EOFError, OSError):
                jobs.close()
                answers.close()
                replaced = self._replace()
                if replaced is None:
                    return
                jobs, answers = replaced
                continue
            answers.send_bytes(pickle.dumps(self._admit(pickle.loads(job)), protocol=pickle.HIGHEST_PROTOCOL))

    def _admit(self, batch: list[tuple[bytes, Any]]) -> list[Admission]:
        for raw, result in batch:
            self.keep(raw, result)
        return admit_each(self.admit, [raw for raw, _ in batch])

    def _replace(self) -> tuple[Connection, Connection] | None:
        """A new front process after one died (its address freed with it); None once closing."""
        while not self._closing.is_set():
            proc = self._proc
            if proc is not None:
                proc.join(timeout=5)
            log.error("the CometBFT RPC front process exited (%s); starting another",
                      proc.exitcode if proc is not None else None)
            if self._closing.wait(RESTART_DELAY_S):
                return None
            try:
                pipes = self._spawn()
            except OSError as e:
                log.error("%s", e)
                continue
            if self._closing.is_set():  # closed while it started: it goes too
                self._stop()
                return None
            return pipes
        return None


class AdmissionClient:
    """The front process's side: ``await admit(raws)`` decodes them (``decode``), sends them
    to the node and returns its answers. Used on one loop."""

    def __init__(self, jobs: Connection, answers: Connection, decode: Callable[[list[bytes]], list[Any]]) -> None:
        self.jobs, self.answers, self.decode = jobs, answers, decode
        self._out: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._waiting: deque[asyncio.Future[list[Admission]]] = deque()

    async def admit(self, raws: list[bytes]) -> list[Admission]:
        loop = asyncio.get_running_loop()
        batch = list(zip(raws, self.decode(raws), strict=True))
        answer: asyncio.Future[list[Admission]] = loop.create_future()
        if not self._waiting:
            loop.add_reader(self.answers.fileno(), self._on_answer)
        self._waiting.append(answer)
        self._out.put(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        return await answer

    def _on_answer(self) -> None:
        # uvloop makes a watched descriptor non-blocking: a long answer is read whole only blocking
        os.set_blocking(self.answers.fileno(), True)
        try:
            admitted = pickle.loads(self.answers.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)  # the node is gone: its lifeline ends this process anyway
        answer = self._waiting.popleft()
        if not self._waiting:
            asyncio.get_running_loop().remove_reader(self.answers.fileno())
        if not answer.done():
            answer.set_result(admitted)

    def write_jobs(self) -> None:
        """Send the jobs as they come (on a thread of its own) until the node is gone."""
        try:
            while (job := self._out.get()) is not None:
                self.jobs.send_bytes(job)
        except OSError:
            os._exit(0)


def _front_main(spec: FrontSpec, jobs: Connection, answers: Connection, node_pid: int) -> None:
    """The front process: serve ``spec.address`` until the node exits or stops it."""
    exit_with(node_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the node decides when to stop
    decode = NativeBatchDecode(spec.modules, spec.evm_chain_id, spec.max_tx_bytes)
    decode([])  # build the codec before serving
    client = AdmissionClient(jobs, answers, decode)
    front = CometFront(spec.address, spec.comet_url, spec.mode, client.admit,
                       max_body_bytes=spec.max_body_bytes, max_batch=spec.max_batch)
    try:
        front.start()
    except OSError as e:
        jobs.send_bytes(pickle.dumps(("failed", str(e))))
        return
    jobs.send_bytes(pickle.dumps(("ready", front.port)))
    client.write_jobs()
