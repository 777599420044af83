"""The two nodes under test behind one shape: a fresh pysei node (``pysei start``, default
config) and ``geth --dev --dev.period 1`` with a large tx pool, both on 127.0.0.1 in
temporary directories."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from abci_app.cli.home_init import BLOCK_MAX_GAS
from abci_app.config import AppConfig
from abci_app.node import cometbft_home
from testnet.init import init_localnet
from testnet.manifest import LoadAccount, Localnet
from testnet.ports import free_base_port
from testnet.process import read_pid
from testnet.start import start
from testnet.stop import stop

from . import procs

ROOT = Path(__file__).resolve().parents[2]
GETH = ROOT / ".bin" / "geth"
GETH_VERSION = "1.16.9"
POOL_SLOTS = ("--txpool.globalslots", "100000", "--txpool.accountslots", "10000",
              "--txpool.globalqueue", "100000", "--txpool.accountqueue", "10000")
FUNDS_WEI = 10**24


@dataclass
class Node:
    """A running node: its Ethereum JSON-RPC, chain id, CometBFT RPC (pysei only) and the
    root pid of its processes."""

    name: str
    eth_url: str
    chain_id: int
    pid: int
    close: Callable[[], None]
    cometbft_url: str = ""
    cosmos_chain_id: str = ""
    metrics_url: str = ""  # CometBFT's Prometheus endpoint

    def abci_calls(self) -> dict[str, float]:
        """CometBFT's counts of ABCI calls by method (and the seconds they took: ``"<method> s"``),
        and of mempool rechecks, so far."""
        if not self.metrics_url:
            return {}
        out: dict[str, float] = {}
        try:
            text = urllib.request.urlopen(self.metrics_url, timeout=5).read().decode()
        except OSError:
            return out
        for line in text.splitlines():
            if line.startswith("cometbft_abci_connection_method_timing_seconds_count"):
                key = line.split('method="', 1)[1].split('"', 1)[0]
            elif line.startswith("cometbft_abci_connection_method_timing_seconds_sum"):
                key = line.split('method="', 1)[1].split('"', 1)[0] + " s"
            elif line.startswith("cometbft_mempool_recheck_times"):
                key = "recheck_times"
            else:
                continue
            out[key] = out.get(key, 0.0) + float(line.rsplit(" ", 1)[1])
        return out

    def processes(self) -> dict[int, str]:
        return procs.tree(self.pid)


def call(url: str, method: str, params: list, timeout: float = 30) -> object:
    """One JSON-RPC call; raises on an error answer."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        out = json.loads(resp.read())
    if "error" in out:
        raise RuntimeError(f"{method}: {out['error']}")
    return out["result"]


def batch(url: str, calls: Sequence[tuple[str, list]], timeout: float = 60) -> list[object]:
    """A JSON-RPC batch; the results in call order (an error answer becomes its error)."""
    body = json.dumps([{"jsonrpc": "2.0", "id": i, "method": m, "params": p}
                       for i, (m, p) in enumerate(calls)]).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        out = json.loads(resp.read())
    by_id = {a["id"]: a.get("result", a.get("error")) for a in out}
    return [by_id.get(i) for i in range(len(calls))]


def wait_height(url: str, height: int, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if int(call(url, "eth_blockNumber", [], timeout=5), 16) >= height:  # type: ignore[arg-type]
                return
        except (OSError, RuntimeError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not reach height {height}")


COMETBFT_PREFIX = "cometbft."


def setting(current: object, text: str) -> object:
    """``text`` as a value of ``current``'s type (``false``/``0``/``no``/``off`` are False; a
    list's items separated by commas)."""
    if isinstance(current, list):
        return [item for item in text.split(",") if item]
    if isinstance(current, bool):
        words = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False}
        if text.lower() not in words:
            raise ValueError(f"not a boolean: {text!r}")
        return words[text.lower()]
    return type(current)(text)


def start_pysei(root: Path, accounts: int, settings: Sequence[str] = (), pprof_port: int = 0) -> tuple[Node, Localnet]:
    """A fresh one-validator pysei node with ``accounts`` funded load accounts; ``settings``
    (``key=value``) override app.toml's defaults, for A/B runs (``cometbft.<section>.<key>``:
    CometBFT's config.toml, e.g. ``cometbft.consensus.timeout_commit=150ms``); ``pprof_port`` turns on
    CometBFT's profiling server there."""
    init_localnet(root, 1, workers=[0], base_port=free_base_port(1), accounts=accounts)
    net = Localnet.load(root)
    changes: dict[str, dict[str, object]] = {"rpc": {"pprof_laddr": f"127.0.0.1:{pprof_port}"}} if pprof_port else {}
    for item in settings:  # cometbft.<section>.<key>=value: CometBFT's config.toml (a string value)
        if item.startswith(COMETBFT_PREFIX):
            key, _, value = item.removeprefix(COMETBFT_PREFIX).partition("=")
            section, _, name = key.rpartition(".")
            changes.setdefault(section, {})[name] = value
    if changes:
        cometbft_home.patch_config(net.nodes[0].home / "cometbft" / "config" / "config.toml", changes)
    app_settings = [s for s in settings if not s.startswith(COMETBFT_PREFIX)]
    if app_settings:
        cfg = AppConfig.load(net.nodes[0].home)
        for item in app_settings:
            key, _, value = item.partition("=")
            section, _, name = key.rpartition(".")  # store.ss_cache_entries: a section's key
            target = getattr(cfg, section) if section else cfg
            setattr(target, name, setting(getattr(target, name), value))
        cfg.save(net.nodes[0].home)
    start(root, wait_height=3, timeout=240)
    info = net.nodes[0]
    wait_height(info.ports.evm_url, 3, 60)
    pid = read_pid(info) or 0

    def close() -> None:
        procs.pause(procs.tree(pid), stop=False)
        stop(root)

    return Node("pysei", info.ports.evm_url, net.evm_chain_id, pid, close, info.rpc_url, net.chain_id,
                f"http://127.0.0.1:{info.ports.prometheus}/metrics"), net


def geth_version() -> str:
    if not GETH.exists():
        return ""
    out = subprocess.run([str(GETH), "version"], capture_output=True, text=True).stdout
    return next((line.split()[1] for line in out.splitlines() if line.startswith("Version:")), "")


def start_geth(datadir: Path, port: int, funded: Sequence[LoadAccount]) -> Node:
    """``geth --dev --dev.period 1`` (the block gas limit pysei's, a large tx pool); the dev
    account funds every load account before this returns."""
    if not geth_version().startswith(GETH_VERSION):
        raise RuntimeError(f"no geth {GETH_VERSION} at {GETH}: run `make geth`")
    log = open(datadir.parent / "geth.log", "ab")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [str(GETH), "--dev", "--dev.period", "1", "--dev.gaslimit", str(BLOCK_MAX_GAS),
         "--datadir", str(datadir), "--http", "--http.addr", "127.0.0.1", "--http.port", str(port),
         "--http.api", "eth,net,web3,txpool", "--authrpc.addr", "127.0.0.1", "--authrpc.port", str(port + 1),
         "--rpc.txfeecap", "0", "--port", "0", "--ipcdisable", "--nodiscover", "--maxpeers", "0", "--verbosity", "2",
         *POOL_SLOTS],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)

    def close() -> None:
        procs.pause({proc.pid: "geth"}, stop=False)
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()

    url = f"http://127.0.0.1:{port}"
    try:
        wait_height(url, 1, 60)
        chain_id = int(call(url, "eth_chainId", []), 16)  # type: ignore[arg-type]
        fund(url, funded)
    except BaseException:
        close()
        raise
    return Node("geth", url, chain_id, proc.pid, close)


def fund(url: str, accounts: Sequence[LoadAccount], chunk: int = 500) -> None:
    """Send ``FUNDS_WEI`` from geth's dev account to each account; wait until all landed."""
    dev = call(url, "eth_accounts", [])[0]  # type: ignore[index]
    nonce = int(call(url, "eth_getTransactionCount", [dev, "pending"]), 16)  # type: ignore[arg-type]
    hashes: list[object] = []
    for i in range(0, len(accounts), chunk):
        hashes += batch(url, [("eth_sendTransaction", [{"from": dev, "to": "0x" + a.evm_address.hex(),
                                                         "value": hex(FUNDS_WEI), "nonce": hex(nonce + i + j),
                                                         "gas": hex(21_000)}])
                              for j, a in enumerate(accounts[i: i + chunk])])
    bad = [h for h in hashes if not isinstance(h, str)]
    if bad:
        raise RuntimeError(f"funding geth's load accounts failed: {bad[0]}")
    deadline = time.time() + 120
    last = hashes[-1]
    while call(url, "eth_getTransactionReceipt", [last]) is None:
        if time.time() > deadline:
            raise TimeoutError("geth did not include the funding txs")
        time.sleep(0.3)
