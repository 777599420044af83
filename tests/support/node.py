"""Start a real pysei node (``pysei start``: the app + cometbft) in a temporary home.

Every port is free-picked and held by the test process until the node starts, so nodes built
one after the other never share one and tests can run side by side. ``LocalNode`` is a context manager.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from abci_app.config import AppConfig
from abci_app.node import cometbft_home

ROOT = Path(__file__).resolve().parents[2]
PYSEI = [sys.executable, "-m", "abci_app.cli.main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT_NAMES = ("abci", "rpc", "p2p", "prom", "http", "ws", "metrics", "rest", "grpc", "explorer")


def reserve_ports(names: tuple[str, ...]) -> tuple[dict[str, int], list[socket.socket]]:
    """A free port for each of ``names``, and the sockets holding them bound: until they are
    closed, no other pick in this machine gets them (``free_port`` alone could hand two
    nodes built one after the other the same port)."""
    held = []
    for _ in names:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        held.append(s)
    return {n: s.getsockname()[1] for n, s in zip(names, held, strict=True)}, held


class LocalNode:
    def __init__(self, home: Path, chain_id: str = "pysei-test-1", occ_workers: int = 1) -> None:
        self.home = Path(home)
        self.chain_id = chain_id
        self.occ_workers = occ_workers
        self.proc: subprocess.Popen | None = None
        #: The ports stay held by this process until the node first starts and binds them.
        self.ports, self._held = reserve_ports(PORT_NAMES)
        self.log_path = self.home / "node.log"

    @property
    def rpc_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['rpc']}"

    @property
    def evm_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['http']}"

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['rest']}"

    @property
    def grpc_target(self) -> str:
        return f"127.0.0.1:{self.ports['grpc']}"

    @property
    def explorer_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['explorer']}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ports['ws']}"

    def init(self) -> None:
        subprocess.run(
            [*PYSEI, "init", "--home", str(self.home), "--chain-id", self.chain_id,
             "--occ-workers", str(self.occ_workers)],
            check=True, capture_output=True, cwd=ROOT,
        )
        cfg = AppConfig.load(self.home)
        p = self.ports
        cfg.abci_address = f"127.0.0.1:{p['abci']}"
        cfg.evm_http_address = f"127.0.0.1:{p['http']}"
        cfg.evm_ws_address = f"127.0.0.1:{p['ws']}"
        cfg.metrics_address = f"127.0.0.1:{p['metrics']}"
        cfg.rest_address = f"127.0.0.1:{p['rest']}"
        cfg.grpc_address = f"127.0.0.1:{p['grpc']}"
        cfg.explorer_address = f"127.0.0.1:{p['explorer']}"
        cfg.cometbft_rpc = self.rpc_url
        cfg.save(self.home)
        cometbft_home.patch_config(
            self.home / "cometbft" / "config" / "config.toml",
            cometbft_home.node_config(
                abci_address=cfg.abci_address, rpc_port=p["rpc"], p2p_port=p["p2p"], prometheus_port=p["prom"]
            ),
        )

    def start(self, wait_height: int = 2, timeout: float = 60, env: Mapping[str, str] | None = None) -> None:
        """Start ``pysei start`` (with ``env`` added to the environment) and wait until
        CometBFT reports ``wait_height`` (0: do not wait)."""
        for s in self._held:  # the node binds them now
            s.close()
        self._held = []
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [*PYSEI, "start", "--home", str(self.home)], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
        if wait_height > 0:
            self.wait_height(wait_height, timeout)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code, self.proc = self.proc.returncode, None
        if sig == signal.SIGKILL:
            self._wait_ports_free()
        return code

    def _wait_ports_free(self, timeout: float = 20) -> None:
        """After a kill -9 the cometbft child gets SIGTERM; wait until it released its ports."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            busy = False
            for name in ("rpc", "p2p", "abci"):
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", self.ports[name])) == 0:
                        busy = True
            if not busy:
                return
            time.sleep(0.2)

    # ---- CometBFT RPC ----

    def rpc(self, method: str, **params) -> dict:
        body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
        req = urllib.request.Request(self.rpc_url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            out = json.loads(resp.read())
        if "error" in out:
            raise RuntimeError(f"{method}: {out['error']}")
        return out["result"]

    def height(self) -> int:
        try:
            return int(self.rpc("status")["sync_info"]["latest_block_height"])
        except Exception:
            return 0

    def wait_height(self, height: int, timeout: float = 60) -> int:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"node exited with {self.proc.returncode}; log:\n{self.tail_log()}")
            h = self.height()
            if h >= height:
                return h
            time.sleep(0.1)
        raise TimeoutError(f"height {height} not reached in {timeout}s; log:\n{self.tail_log()}")

    def tail_log(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def pysei(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*PYSEI, *args], capture_output=True, text=True, check=check, cwd=ROOT)

    def __enter__(self) -> LocalNode:
        self.init()
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
