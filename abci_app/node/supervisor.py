"""Assembling and running a node: the app alone (``pysei app``) or supervised with
CometBFT (``pysei start``). Services start in ``start()`` and stop in ``close()``."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Mapping
from functools import partial
from pathlib import Path

import py_ecc  # noqa: F401 -- raises the recursion limit when imported: imported before configure_process

from abci_app.application.app import App
from abci_app.application.runner import warm_up
from abci_app.config import AppConfig
from abci_app.modules.loader import load_modules
from abci_app.node import cometbft_home
from abci_app.node.abci_grpc import GrpcServer
from abci_app.node.abci_socket import SocketServer, listen
from abci_app.node.cometbft_front_service import FrontPlan, front_plan, front_service
from abci_app.node.cosmos_grpc_service import grpc_service
from abci_app.node.cosmos_rest_service import rest_service
from abci_app.node.evm_rpc_service import rpc_service
from abci_app.node.explorer_service import explorer_service
from abci_app.node.home import Home
from abci_app.node.metrics import metrics_service
from abci_app.node.occ_report import PATH as OCC_REPORT_PATH
from abci_app.node.occ_report import OccReports
from evm_bridge.pointers.artifacts import require_all as require_pointer_contracts
from occ.executors import ProcessPoolExecutor, SerialExecutor
from occ.runtime import use_fast_keccak
from occ.scheduler import OccScheduler
from store.gc_policy import GcPolicy
from store.multistore import SeiDB, StoreConfig
from store.pause_points import NO_PAUSES, PausePoints
from untrusted.stack import configure_process

log = logging.getLogger("pysei.node")
#: ``pysei start``'s exit status when the data directory could not be written (sysexits' EX_IOERR).
STORAGE_FAILURE_EXIT = 74
#: Names the crash tests' pause points (``store.pause_points``); never set in production.
PAUSE_AT_VARIABLE = "PYSEI_PAUSE_AT"


def make_scheduler(cfg: AppConfig, db: SeiDB, gc_policy: GcPolicy | None):
    """The block scheduler ``app.toml`` asks for: serial, or OCC with ``workers - 1``
    worker processes beside the app process (which executes too)."""
    workers = cfg.workers()
    if workers <= 1:
        return SerialExecutor(gc_policy)
    warm = partial(warm_up, tuple(cfg.modules), cfg.chain_id)
    pool = ProcessPoolExecutor(db.state_opener(), workers - 1, warm_up=warm, gc_policy=gc_policy)
    return OccScheduler(pool, clock=time.perf_counter_ns, gc_policy=gc_policy)


def pause_points_from(environment: Mapping[str, str], home: Home) -> PausePoints:
    """The crash tests' pause points (``store.pause_points``) named in ``PYSEI_PAUSE_AT``
    (comma-separated); markers go to ``<home>/pause``. Unset: none (always in production)."""
    names = [n.strip() for n in environment.get(PAUSE_AT_VARIABLE, "").split(",") if n.strip()]
    return PausePoints(names, home.root / "pause") if names else NO_PAUSES


def open_db(
    home: Home, cfg: AppConfig, gc_policy: GcPolicy | None = None, pause_points: PausePoints = NO_PAUSES
) -> SeiDB:
    """SeiDB under ``home/data`` with ``app.toml``'s store settings (not started)."""
    s = cfg.store
    return SeiDB(
        home.data,
        StoreConfig(
            ss_keep_recent=s.ss_keep_recent,
            ss_prune_interval_heights=s.ss_prune_interval,
            sc_snapshot_interval=s.sc_snapshot_interval,
            sc_snapshot_keep_recent=s.sc_snapshot_keep_recent,
            async_commit=s.async_commit,
            ss_cache_entries=s.ss_cache_entries,
        ),
        gc_policy=gc_policy,
        pause_points=pause_points,
    )


class Node:
    """The app process: SeiDB, OCC scheduler, ABCI server, JSON-RPC and metrics."""

    def __init__(self, home: Path, config: AppConfig | None = None) -> None:
        self.home = Home(Path(home))
        self.config = config or AppConfig.load(self.home.root)
        self.db = None
        self.scheduler = None
        self.app: App | None = None
        self.server: GrpcServer | SocketServer | None = None
        #: Set by ``pysei start`` when the app serves CometBFT's RPC address (``cometbft_front``).
        self.front_plan: FrontPlan | None = None
        self._services: list = []

    def start(self, abci_listener: socket.socket | None = None) -> None:
        """Open the stores, build the app, start the services and the ABCI server (on
        ``abci_listener`` if the caller bound it: the socket transport only)."""
        configure_process()  # before any thread starts: their stack size, the recursion limit
        use_fast_keccak()
        cfg = self.config
        if self.front_plan is None and cfg.app_tx_index():
            raise RuntimeError('tx_index = "app": this node does not serve CometBFT\'s RPC address '
                               '(its rpc.laddr is not a TCP address), so nothing would answer event searches')
        if "evm" in cfg.modules:
            require_pointer_contracts()  # without them this node would revert what peers accept
        # One collector policy for the process: the store freezes what it loads, blocks
        # pause collection, workers collect after their segments (store.gc_policy).
        gc_policy = GcPolicy()
        self.db = open_db(self.home, cfg, gc_policy, pause_points_from(os.environ, self.home))
        self.db.start()
        self.scheduler = make_scheduler(cfg, self.db, gc_policy)
        self.scheduler.start()
        modules = load_modules(cfg.modules)
        self.app = App(cfg, self.db, self.scheduler, modules, gc_policy=gc_policy)
        self.app.observers.append(self.app.queries.record_block)
        reports = OccReports(cfg.workers())
        self.app.observers.append(reports.record)
        self.app.queries.routes[OCC_REPORT_PATH] = reports.query
        for factory in _services():
            service = factory(self)
            if service is not None:
                service.start()
                self._services.append(service)
        self.server = _abci_server(cfg, self.app, abci_listener)
        self.server.start()
        log.info(
            "app started: height=%d workers=%d abci=%s %s",
            self.db.last_height(),
            cfg.workers(),
            cfg.abci_transport,
            cfg.abci_address,
        )

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for service in reversed(self._services):
            try:
                service.close()
            except Exception:
                log.exception("closing %s failed", service)
        if self.scheduler is not None:
            self.scheduler.close()
        if self.db is not None:
            try:
                self.db.close()
            except Exception:  # after a storage failure (RocksDB raises Exception): committed heights are durable
                log.exception("closing the database failed")

    def __enter__(self) -> Node:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _abci_server(cfg: AppConfig, app: App, listener: socket.socket | None = None) -> GrpcServer | SocketServer:
    if cfg.abci_transport == "socket":
        return SocketServer(app, cfg.abci_address, listener)
    if cfg.abci_transport == "grpc":
        return GrpcServer(app, cfg.abci_address)
    raise ValueError(f"app.toml abci_transport must be socket or grpc, not {cfg.abci_transport!r}")


def _services():
    """Services beside ABCI (metrics, CometBFT RPC front, JSON-RPC, Cosmos REST and gRPC,
    explorer), each a
    ``factory(node) -> service | None`` (None when its address is empty in app.toml).
    Imported eagerly: a broken service must stop the node at start, never be skipped
    silently."""

    return [metrics_service, front_service, rpc_service, rest_service, grpc_service, explorer_service]


def _die_with_parent() -> None:
    """In the CometBFT child: be killed when the supervisor dies (even by kill -9). SIGKILL,
    not SIGTERM: with its app gone CometBFT v0.38 can hang in its graceful stop, and its
    stores are crash-safe (the hard-kill tests kill it -9 on purpose)."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _wait_for_previous(pid_file: Path, timeout: float = 20.0) -> None:
    """After a crash of ``pysei start`` its cometbft child is killed by its parent-death
    signal; a new cometbft must wait until that one released its database locks and ports."""
    try:
        pid = int(pid_file.read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return
    if b"cometbft" not in cmdline:
        return
    log.info("waiting for the previous cometbft (pid %d) to exit", pid)
    stop_at = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < stop_at:
        time.sleep(0.1)
    if _alive(pid):
        log.warning("previous cometbft (pid %d) still running after %.0f s; killing it", pid, timeout)
        os.kill(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped holds no locks and counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _wait_for_signal() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def run_app(home: Path) -> int:
    """``pysei app``: serve ABCI until SIGINT/SIGTERM (the operator runs cometbft)."""
    stop = _wait_for_signal()
    with Node(home):
        stop.wait()
    log.info("app stopped")
    return 0


def run_start(home: Path) -> int:
    """``pysei start``: cometbft (``--abci`` the app's transport) and the app; both stop together.

    CometBFT is spawned before the app starts any gRPC thread (forking a process that runs
    gRPC threads is unsafe); with the socket transport the ABCI port is already listening
    then, so CometBFT's first dial connects (a failed one waits 3 s: restarts took 4.6 s),
    and its requests wait in the socket until the app serves them.
    """
    stop = _wait_for_signal()
    node = Node(home)
    cmd = [
        cometbft_home.cometbft_binary(),
        "start",
        "--home",
        str(node.home.cometbft),
        "--abci",
        node.config.abci_transport,
        "--proxy_app",
        cometbft_home.proxy_app(node.config.abci_address, node.config.abci_transport),
    ]
    node.front_plan = front_plan(node.config.cosmos_tx_intake, node.home.cometbft / "config" / "config.toml")
    if node.front_plan is not None:  # CometBFT's own RPC moves to a private port; the app serves its address
        cmd += ["--rpc.laddr", node.front_plan.comet_laddr]
    pid_file = node.home.root / "cometbft.pid"
    _wait_for_previous(pid_file)
    listener = listen(node.config.abci_address) if node.config.abci_transport == "socket" else None
    log.info("starting cometbft: %s", " ".join(cmd))
    comet = subprocess.Popen(cmd, preexec_fn=_die_with_parent)
    pid_file.write_text(str(comet.pid))
    code = 0
    try:
        node.start(listener)
        while not stop.wait(0.5):
            if comet.poll() is not None:
                log.error("cometbft exited with code %s", comet.returncode)
                code = comet.returncode or 1
                break
    finally:
        if comet.poll() is None:
            comet.terminate()
            try:
                comet.wait(timeout=15)
            except subprocess.TimeoutExpired:
                comet.kill()
                comet.wait()
        node.close()
        log.info("node stopped")
    failure = node.app.storage_failure if node.app is not None else None
    if failure is not None:
        log.error("stopped: the data directory %s could not be written (%s); every committed height is "
                  "durable: free space or fix the disk, then start again", node.home.data, failure)
        return STORAGE_FAILURE_EXIT
    return code
