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
order they were sent). Two one-way pipes; one message is with the node at a time, so the
front's loop writes it at once (the node reads a message whole before it answers).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from abci_app.application.txcodec import COSMOS, Decoded
from abci_app.cosmos_tx.decode import verify_signature
from abci_app.node.cometbft_front import Admission, Admit, CometFront, Keep, admit_each
from abci_app.node.cometbft_tx_search import index_follower
from abci_app.node.native_decoder import NativeBatchDecode
from untrusted.lifeline import exit_with

log = logging.getLogger("pysei.front")

#: Seconds the process gets to bind its address and report.
START_TIMEOUT_S = 60.0
#: Seconds between a dead front process and its replacement.
RESTART_DELAY_S = 1.0
#: Signers' account numbers the front process keeps (it starts over past this many).
MAX_NUMBERS = 200_000
#: ``vouch(decoded, number)``: the front verified this native tx's signature against ``number``.
Vouch = Callable[[Decoded, int], None]
#: ``account_number(decoded)``: the number its signature was verified against, or -1.
AccountNumber = Callable[[Decoded], int]
#: A broadcast batch as the front sends it: each raw tx, its decoding (``Decoded`` or
#: ``TxError``) and the account number the front verified its signature against (or -1).
Batch = list[tuple[bytes, Any, int]]


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
    chain_id: str
    #: The node's index and the follower's own folder, when it answers event searches.
    index_path: str = ""
    index_follower: str = ""


class FrontProcess:
    """Runs the front for ``spec`` in a helper process; admits its batches with ``admit``
    after handing each decoded result to ``keep`` and each signature the front verified to
    ``vouch(decoded, account number)``; ``account_number(decoded)``, after admission, is the
    number a native tx's signature was verified against (-1: none), which the front learns."""

    def __init__(self, spec: FrontSpec, admit: Admit, keep: Keep, vouch: Vouch, account_number: AccountNumber,
                 name: str = "pysei-rpc-front") -> None:
        self.spec, self.admit, self.keep, self.name = spec, admit, keep, name
        self.vouch, self.account_number = vouch, account_number
        self.port = 0
        #: Messages and batches the front processes sent so far.
        self.messages = self.batches = 0
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
            try:
                batches: list[Batch] = pickle.loads(job)
            except Exception:  # noqa: BLE001 - its callers cannot be answered: the process goes, another comes
                log.exception("an unreadable message from the CometBFT RPC front; replacing the process")
                self._stop()
                continue
            self.messages += 1
            self.batches += len(batches)
            learned: list[tuple[bytes, int]] = []
            admitted = [self._admit(batch, learned) for batch in batches]
            try:
                answers.send_bytes(pickle.dumps((admitted, learned), protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:
                continue  # it died: the next read says so

    def _admit(self, batch: Batch, learned: list[tuple[bytes, int]]) -> list[Admission]:
        """Each tx's admission; the account numbers its native signers' signatures were
        verified against go to ``learned``. A failure answers each tx as CometBFT's ABCI
        fallback does (code 1)."""
        try:
            return self._admit_batch(batch, learned)
        except Exception:  # noqa: BLE001 - the batch's callers are answered, the front goes on
            log.exception("local admission failed")
            return [(1, b"", "internal error", "")] * len(batch)

    def _admit_batch(self, batch: Batch, learned: list[tuple[bytes, int]]) -> list[Admission]:
        for raw, result, number in batch:
            self.keep(raw, result)
            if number >= 0 and isinstance(result, Decoded):
                self.vouch(result, number)
        admitted = admit_each(self.admit, [raw for raw, _, _ in batch])
        for (_, result, number), admission in zip(batch, admitted, strict=True):
            if number < 0 and isinstance(result, Decoded) and result.kind == COSMOS and not isinstance(admission, str):
                known = self.account_number(result)
                if known >= 0:
                    learned.append((result.tx.signer, known))
        return admitted

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
    """The front process's side: ``await admit(raws)`` decodes them (``decode``), verifies
    the signature of each native tx whose signer's account number it learned from the node
    (the node's answers carry them; a number is never reused, and the node checks the one
    vouched for against the account's), sends them to the node and returns its answers.

    One message is with the node at a time: the batches that come while it is there go
    together in the next, so a loaded node takes several per wake-up (each wake-up of its
    thread waits for the GIL while a block runs). Used on one loop.
    """

    def __init__(self, jobs: Connection, answers: Connection, decode: Callable[[list[bytes]], list[Any]],
                 chain_id: str) -> None:
        self.jobs, self.answers, self.decode, self.chain_id = jobs, answers, decode, chain_id
        self._queued: list[tuple[Batch, asyncio.Future[list[Admission]]]] = []
        self._sent: list[asyncio.Future[list[Admission]]] | None = None
        #: signer -> account number, as the node answered
        self.numbers: dict[bytes, int] = {}

    def _vouched(self, result: Any) -> int:
        """The account number ``result``'s signature verifies against, if known, else -1."""
        if not isinstance(result, Decoded) or result.kind != COSMOS:
            return -1
        number = self.numbers.get(result.tx.signer, -1)
        return number if number >= 0 and verify_signature(result.tx, self.chain_id, number) else -1

    async def admit(self, raws: list[bytes]) -> list[Admission]:
        batch = [(raw, result, self._vouched(result)) for raw, result in zip(raws, self.decode(raws), strict=True)]
        answer: asyncio.Future[list[Admission]] = asyncio.get_running_loop().create_future()
        self._queued.append((batch, answer))
        if self._sent is None:
            self._send()
        return await answer

    def _send(self) -> None:
        queued, self._queued = self._queued, []
        if self._sent is None:
            asyncio.get_running_loop().add_reader(self.answers.fileno(), self._on_answer)
        self._sent = [answer for _, answer in queued]
        # The node reads each message whole before it answers, and this front sends the next
        # only after that answer: a write here waits at most for the node to take it.
        try:
            self.jobs.send_bytes(pickle.dumps([batch for batch, _ in queued], protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            os._exit(0)  # the node is gone: its lifeline ends this process anyway

    def _on_answer(self) -> None:
        # uvloop makes a watched descriptor non-blocking: a long answer is read whole only blocking
        os.set_blocking(self.answers.fileno(), True)
        try:
            admitted, learned = pickle.loads(self.answers.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)  # the node is gone: its lifeline ends this process anyway
        if len(self.numbers) + len(learned) > MAX_NUMBERS:
            self.numbers.clear()
        self.numbers.update(learned)
        sent, self._sent = self._sent or [], None
        for answer, batch_admitted in zip(sent, admitted, strict=True):
            if not answer.done():
                answer.set_result(batch_admitted)
        if self._queued:
            self._send()
        else:
            asyncio.get_running_loop().remove_reader(self.answers.fileno())


def _front_main(spec: FrontSpec, jobs: Connection, answers: Connection, node_pid: int) -> None:
    """The front process: serve ``spec.address`` until the node exits or stops it."""
    exit_with(node_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the node decides when to stop
    decode = NativeBatchDecode(spec.modules, spec.evm_chain_id, spec.max_tx_bytes)
    decode([])  # build the codec before serving
    client = AdmissionClient(jobs, answers, decode, spec.chain_id)
    open_index = index_follower(Path(spec.index_path), Path(spec.index_follower)) if spec.index_path else None
    front = CometFront(spec.address, spec.comet_url, spec.mode, client.admit,
                       max_body_bytes=spec.max_body_bytes, max_batch=spec.max_batch, open_index=open_index)
    try:
        front.start()
    except OSError as e:
        jobs.send_bytes(pickle.dumps(("failed", str(e))))
        return
    jobs.send_bytes(pickle.dumps(("ready", front.port)))
    threading.Event().wait()  # the front's loop thread serves; the node stops this process
