"""A real N-validator localnet (``testnet/``) in a temporary folder, as a context manager.

Ports come from a free block (``testnet.ports.free_base_port``); every node runs
``pysei start`` in its own session and is stopped (its session reaped) on exit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from testnet import rpc
from testnet.consistency import Consistency, check_localnet
from testnet.init import init_localnet
from testnet.manifest import Localnet, NodeInfo
from testnet.ports import free_base_port
from testnet.process import kill_node, start_node, stop_node
from testnet.start import start


class LocalnetRunner:
    def __init__(self, root: Path, validators: int = 4, workers: Sequence[int] = (1, 2, 3, 4),
                 accounts: int = 4000, snapshot_interval: int = 0, spare_nodes: int = 1,
                 staking_params: Mapping[str, object] | None = None,
                 slashing_params: Mapping[str, object] | None = None) -> None:
        self.root = Path(root)
        self.validators = validators
        self.workers = list(workers)
        self.accounts = accounts
        self.snapshot_interval = snapshot_interval
        self.staking_params = dict(staking_params or {})
        self.slashing_params = dict(slashing_params or {})
        self.base_port = free_base_port(validators + spare_nodes, start=20_000 + (os.getpid() % 97) * 120)
        self.net: Localnet | None = None

    def init(self) -> Localnet:
        self.net = init_localnet(self.root, self.validators, workers=self.workers, base_port=self.base_port,
                                 accounts=self.accounts, snapshot_interval=self.snapshot_interval,
                                 staking_params=self.staking_params, slashing_params=self.slashing_params)
        return self.net

    def start(self, wait_height: int = 2, timeout: float = 180) -> None:
        self.net = start(self.root, wait_height, timeout)

    def reload(self) -> Localnet:
        self.net = Localnet.load(self.root)
        return self.net

    @property
    def nodes(self) -> tuple[NodeInfo, ...]:
        assert self.net is not None
        return self.net.nodes

    def heights(self, nodes: Sequence[NodeInfo] | None = None) -> list[int]:
        return [rpc.height(n.rpc_url) for n in nodes or self.nodes]

    def wait_height(self, height: int, nodes: Sequence[NodeInfo] | None = None, timeout: float = 120) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if min(self.heights(nodes)) >= height:
                return
            time.sleep(0.3)
        raise TimeoutError(f"height {height} not reached: {self.heights(nodes)}\n{self.tail_logs()}")

    def kill(self, node: NodeInfo) -> None:
        kill_node(node)

    def restart(self, node: NodeInfo) -> None:
        start_node(node)

    def consistency(self, low: int = 1) -> Consistency:
        return check_localnet(self.root, low)

    def tail_logs(self, n: int = 15) -> str:
        out = []
        for node in self.nodes:
            try:
                lines = node.log_path.read_text(errors="replace").splitlines()[-n:]
            except OSError:
                lines = []
            out.append(f"--- {node.name}\n" + "\n".join(lines))
        return "\n".join(out)

    def stop(self) -> None:
        for node in self.reload().nodes:
            stop_node(node, timeout=20)

    def __enter__(self) -> LocalnetRunner:
        self.init()
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
