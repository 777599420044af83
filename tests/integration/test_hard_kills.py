"""Hard kills of every process of one loaded node (``pysei start`` with 2 OCC workers):
CometBFT alone, the app alone, both at once, an OCC worker while it executes a block, and
the app at each point of its commit path (between the changelog and the state store, before
the index, while a commitment snapshot is renamed into place).

After each kill the test checks what must have happened to the other processes (exact exit
status, no process left behind, by pid), restarts the node and compares its *state* with a
reference node that never crashed: a full node following the same chain, executing every
block itself, must hold the same stores (commitment root and state-store contents) at the
same height, and the same block at the height reached before the kill (none lost)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from coincurve import PrivateKey

from abci_app.cli.keyring import Keyring
from abci_app.config import AppConfig
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.node import cometbft_home
from abci_app.node.supervisor import PAUSE_AT_VARIABLE
from evm_bridge.signer import sign_tx
from ledger.addresses import evm_address_from_pubkey, to_bech32
from store.pause_points import POINTS
from testnet.consistency import store_hashes
from tests.integration.test_node import FEE, GAS, account, send_msg
from tests.support.jsonrpc import rpc, wait_receipt
from tests.support.node import LocalNode
from tests.support.proctree import cmdline, descendants, running, wait_gone

pytestmark = pytest.mark.integration
#: OCC workers: the app process and 2 worker processes execute each block.
OCC_WORKERS = 3
#: ``pysei start``'s exit status when its CometBFT died by SIGKILL (it exits with CometBFT's
#: return code, -9, which the shell sees as 256 - 9).
COMETBFT_KILLED_EXIT = 256 - signal.SIGKILL
#: Seconds the node's helpers get to exit after a kill: the Python helpers go at once
#: (lifeline), CometBFT shuts down on its parent-death SIGTERM.
HELPERS_GONE_S = 15
TXS_PER_ROUND = 20
#: The EVM load that keeps the workers busy: independent senders, so each worker's segment
#: is long and valid.
EVM_SENDERS = 8
EVM_PER_SENDER = 30
#: Workers killed one after the other while executing.
WORKER_KILLS = 5
MAX_FEE_WEI, TIP_WEI = 100 * 10**9, 10**9


@dataclass
class Rig:
    node: LocalNode
    reference: LocalNode
    stop_load: threading.Event


def _node_id(node: LocalNode) -> str:
    out = subprocess.run([cometbft_home.cometbft_binary(), "show-node-id", "--home", str(node.home / "cometbft")],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def _load(node: LocalNode, stop: threading.Event) -> None:
    """Rounds of native transfers from alice to bob; a node that is down only pauses it."""
    ring = Keyring(node.home / "keys")
    alice, bob = ring.get("alice"), ring.get("bob")
    sender, recipient = to_bech32(alice.sei_address), to_bech32(bob.sei_address)
    while not stop.is_set():
        try:
            number, seq = account(node, sender)
            for k in range(TXS_PER_ROUND):
                raw = build_and_sign(alice.privkey, [send_msg(sender, recipient, 1)], node.chain_id, number,
                                     seq + k, FEE, GAS)
                node.rpc("broadcast_tx_sync", tx=base64.b64encode(raw).decode())
        except Exception:
            stop.wait(0.3)
        stop.wait(0.3)


def _evm_tx(key: bytes, nonce: int, to: bytes, chain_id: int, value: int) -> str:
    raw = sign_tx(key, chain_id=chain_id, nonce=nonce, gas=21_000, to=to, value=value, data=b"",
                  max_fee_per_gas=MAX_FEE_WEI, max_priority_fee_per_gas=TIP_WEI)
    return "0x" + raw.hex()


def _evm_address(key: bytes) -> bytes:
    return evm_address_from_pubkey(PrivateKey(key).public_key.format())


def _nonce(node: LocalNode, address: bytes) -> int:
    return int(rpc(node.evm_url, "eth_getTransactionCount", ["0x" + address.hex(), "pending"])["result"], 16)


def _fund_evm_senders(node: LocalNode) -> list[bytes]:
    """Fresh keys, each sent 1,000 SEI by alice over the EVM."""
    alice = Keyring(node.home / "keys").get("alice")
    chain_id = AppConfig.load(node.home).evm_chain_id
    keys = [hashlib.sha256(b"hard-kills evm sender %d" % i).digest() for i in range(EVM_SENDERS)]
    first = _nonce(node, alice.evm_address)
    hashes = [rpc(node.evm_url, "eth_sendRawTransaction",
                  [_evm_tx(alice.privkey, first + i, _evm_address(k), chain_id, 10**21)])["result"]
              for i, k in enumerate(keys)]
    assert {wait_receipt(node.evm_url, h)["status"] for h in hashes} == {"0x1"}
    return keys


def _evm_load(node: LocalNode, keys: list[bytes], stop: threading.Event) -> None:
    """Rounds of ``EVM_PER_SENDER`` transfers from each key, in one JSON-RPC batch."""
    chain_id = AppConfig.load(node.home).evm_chain_id
    sink = b"\x42" * 20
    while not stop.is_set():
        try:
            raws = [_evm_tx(key, nonce + k, sink, chain_id, 1)
                    for key, nonce in ((key, _nonce(node, _evm_address(key))) for key in keys)
                    for k in range(EVM_PER_SENDER)]
            body = [{"jsonrpc": "2.0", "id": i, "method": "eth_sendRawTransaction", "params": [raw]}
                    for i, raw in enumerate(raws)]
            req = urllib.request.Request(node.evm_url, json.dumps(body).encode(), {"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=60).read()
        except Exception:
            stop.wait(0.3)
        stop.wait(0.5)


@pytest.fixture(scope="module")
def rig(tmp_path_factory) -> Iterator[Rig]:
    root: Path = tmp_path_factory.mktemp("hard_kills")
    node = LocalNode(root / "node", occ_workers=OCC_WORKERS)
    node.init()
    cfg = AppConfig.load(node.home)
    cfg.store.sc_snapshot_interval = 5
    cfg.save(node.home)
    reference = LocalNode(root / "reference", chain_id=node.chain_id)
    reference.init()
    shutil.copy(node.home / "cometbft/config/genesis.json", reference.home / "cometbft/config/genesis.json")
    node.start()
    stop = threading.Event()
    loader = threading.Thread(target=_load, args=(node, stop), daemon=True)
    try:
        peer = f"{_node_id(node)}@127.0.0.1:{node.ports['p2p']}"
        cometbft_home.patch_config(reference.home / "cometbft/config/config.toml", {"p2p": {"persistent_peers": peer}})
        reference.start(wait_height=node.height(), timeout=120)
        loader.start()
        yield Rig(node, reference, stop)
    finally:
        stop.set()
        if loader.is_alive():
            loader.join(timeout=10)
        reference.stop()
        node.stop()


def _cometbft_pid(node: LocalNode) -> int:
    pid = int((node.home / "cometbft.pid").read_text())
    assert "cometbft" in cmdline(pid) and running(pid)
    return pid


def _helpers(node: LocalNode) -> dict[int, str]:
    """The node's processes below ``pysei start``: CometBFT, the forkserver, its OCC workers,
    index renderer, JSON-RPC tx decoder and the CometBFT RPC front's native decoder, the
    resource tracker (waiting until all have started)."""
    assert node.proc is not None
    deadline = time.monotonic() + 60
    while True:
        found = descendants(node.proc.pid)
        forked = [p for p, cmd in found.items() if "multiprocessing.forkserver" in cmd]
        # the forkserver and its children: OCC_WORKERS - 1 workers, the renderer, two decoders
        if len(forked) == 3 + OCC_WORKERS or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    kinds = sorted("cometbft" if "cometbft" in cmd else cmd.split(" import ")[0].split()[-1] if " import " in cmd
                   else cmd for cmd in found.values())
    assert kinds == ["cometbft", "multiprocessing.forkserver", *["multiprocessing.forkserver"] * (OCC_WORKERS + 2),
                     "multiprocessing.resource_tracker"], found
    return found


def _occ_workers(app: int) -> list[int]:
    """The OCC worker processes below the app process ``app``: those holding a state-store
    reader open (``data/ss-readers/``; the index renderer and the decoders hold none)."""
    workers = []
    for pid in descendants(app):
        try:
            fds = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            continue
        if any("/data/ss-readers/" in f for f in fds):
            workers.append(pid)
    return sorted(workers)


def _whole_pool(app: int, size: int, timeout: float = 60) -> list[int]:
    """The OCC workers of ``app`` once there are ``size`` of them (a pool restarting after a
    worker's death is whole again once its workers opened the state)."""
    deadline = time.monotonic() + timeout
    while len(workers := _occ_workers(app)) != size and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) == size, workers
    return workers


def _executing(pid: int) -> bool:
    """A thread of the process is running (an idle worker's threads all wait on its pipe)."""
    try:
        return any((task / "stat").read_text().rsplit(")", 1)[1].split()[0] == "R"
                   for task in Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return False


def _restart_and_compare(rig: Rig, before: int) -> None:
    """Restart the crashed node; it must go on past ``before`` and, at the same heights,
    hold the reference's block and stores."""
    node, reference = rig.node, rig.reference
    node.start(wait_height=before + 1, timeout=120)
    head = node.wait_height(before + 3, timeout=120)
    reference.wait_height(head, timeout=120)
    block = lambda n, h: n.rpc("block", height=str(h))["block_id"]["hash"]  # noqa: E731
    assert block(node, before) == block(reference, before)
    h = head - 1
    ours, theirs = store_hashes(node.rpc_url, h), store_hashes(reference.rpc_url, h)
    # Every store's contents (digest and key count of the state store at h) must match; the
    # commitment roots are compared where both nodes still keep them (the last 64 heights):
    # a lagging reference may read h after the node moved past that window.
    assert ours and _contents(ours) == _contents(theirs)
    both = [s for s in ours if ours[s]["root"] is not None and theirs.get(s, {}).get("root") is not None]
    assert all(ours[s]["root"] == theirs[s]["root"] for s in both)
    assert block(node, head) == block(reference, head)  # its header carries the app hash of h


def _contents(hashes: dict[str, dict]) -> dict[str, tuple[str, int]]:
    return {store: (h["digest"], h["keys"]) for store, h in hashes.items()}


def _before_kill(rig: Rig) -> tuple[int, dict[int, str]]:
    node = rig.node
    before = node.wait_height(node.height() + 2)
    return before, _helpers(node)


def test_kill_9_of_cometbft_alone_stops_the_node_and_it_restarts_to_the_same_state(rig):
    node = rig.node
    before, helpers = _before_kill(rig)
    os.kill(_cometbft_pid(node), signal.SIGKILL)
    assert node.proc is not None and node.proc.wait(timeout=60) == COMETBFT_KILLED_EXIT
    node.proc = None
    assert wait_gone(set(helpers), HELPERS_GONE_S) == set()
    _restart_and_compare(rig, before)


def test_kill_9_of_the_app_alone_leaves_no_process_behind_and_it_restarts_to_the_same_state(rig):
    node = rig.node
    before, helpers = _before_kill(rig)
    python_helpers = {p for p, cmd in helpers.items() if "cometbft" not in cmd}
    node.stop(sig=signal.SIGKILL)
    assert wait_gone(python_helpers, 3) == set()
    assert wait_gone(set(helpers), HELPERS_GONE_S) == set()
    _restart_and_compare(rig, before)


def test_kill_9_of_cometbft_and_the_app_at_once_restarts_to_the_same_state(rig):
    node = rig.node
    before, helpers = _before_kill(rig)
    comet = _cometbft_pid(node)
    assert node.proc is not None
    os.kill(comet, signal.SIGKILL)
    os.kill(node.proc.pid, signal.SIGKILL)
    assert node.proc.wait(timeout=30) == -signal.SIGKILL
    node.proc = None
    assert wait_gone(set(helpers), HELPERS_GONE_S) == set()
    _restart_and_compare(rig, before)


def test_kill_9_of_occ_workers_while_they_execute_blocks_and_the_chain_goes_on_to_the_same_state(rig):
    """``WORKER_KILLS`` times, a worker seen executing is killed; the node never stops."""
    node = rig.node
    keys = _fund_evm_senders(node)
    stop = threading.Event()
    loader = threading.Thread(target=_evm_load, args=(node, keys, stop), daemon=True)
    loader.start()
    killed: list[int] = []
    try:
        before, _ = _before_kill(rig)
        for _ in range(WORKER_KILLS):
            assert node.proc is not None
            workers = _whole_pool(node.proc.pid, OCC_WORKERS - 1)
            deadline = time.monotonic() + 90
            busy = None
            while busy is None and time.monotonic() < deadline:
                busy = next((p for p in workers if _executing(p)), None)
                time.sleep(0.001)
            assert busy is not None, "no OCC worker was seen executing"
            os.kill(busy, signal.SIGKILL)
            killed.append(busy)
            assert wait_gone({busy}, 5) == set()
            node.wait_height(node.height() + 1, timeout=120)
        head = node.wait_height(node.height() + 2, timeout=120)
    finally:
        stop.set()
        loader.join(timeout=30)
    assert len(set(killed)) == WORKER_KILLS
    assert node.proc is not None and node.proc.poll() is None  # the app recovered each time: the node ran on
    _helpers(node)
    rig.reference.wait_height(head, timeout=120)
    h = head - 1
    ours, theirs = store_hashes(node.rpc_url, h), store_hashes(rig.reference.rpc_url, h)
    assert ours and ours == theirs
    assert before < h


def _wait_marker(node: LocalNode, point: str, timeout: float = 120) -> int:
    """The pid written by the node at ``point`` (``store.pause_points``), once it got there."""
    marker = node.home / "pause" / point
    deadline = time.monotonic() + timeout
    while not marker.exists() or not marker.read_text():
        assert node.proc is not None and node.proc.poll() is None, node.tail_log()
        assert time.monotonic() < deadline, f"{point} not reached; log:\n{node.tail_log()}"
        time.sleep(0.05)
    return int(marker.read_text())


@pytest.mark.parametrize("point", POINTS)
def test_kill_9_of_the_app_at_a_point_of_its_commit_path_restarts_to_the_same_state(rig, point):
    """The node is restarted told to stop at ``point`` of Commit or of a commitment snapshot
    (``store.pause_points``); once there it is killed -9, restarted normally, and must hold
    the reference's blocks and stores (a durable height is never lost or half-applied)."""
    node = rig.node
    before = node.wait_height(node.height() + 2)
    node.stop()
    shutil.rmtree(node.home / "pause", ignore_errors=True)
    node.start(wait_height=0, env={PAUSE_AT_VARIABLE: point})
    assert node.proc is not None
    assert _wait_marker(node, point) == node.proc.pid
    helpers = descendants(node.proc.pid)
    at_kill = node.height()  # a snapshot pauses only its own thread: blocks go on until the kill
    node.stop(sig=signal.SIGKILL)
    assert wait_gone(set(helpers), HELPERS_GONE_S) == set()
    # compared at heights executed after the restart (heights replayed from the changelog at
    # start have their stores but no commitment roots kept for proofs)
    _restart_and_compare(rig, max(before, at_kill))
