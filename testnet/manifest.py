"""``DIR/localnet.json``: what ``testnet init`` made, read by start, stop, status and load.

Format: ``{"chain_id", "evm_chain_id", "nodes": [{"name", "home", "node_id", "workers",
"ports": {p2p, rpc, abci, prometheus, metrics, evm_http, evm_ws}}]}``; the funded load-test
keys are in ``DIR/accounts.json`` (``[{"privkey", "address", "evm_address", "account_number"}]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from testnet.ports import NodePorts

MANIFEST = "localnet.json"
ACCOUNTS = "accounts.json"


@dataclass(frozen=True)
class NodeInfo:
    name: str
    home: Path
    node_id: str
    workers: int
    ports: NodePorts

    @property
    def rpc_url(self) -> str:
        return self.ports.rpc_url

    @property
    def log_path(self) -> Path:
        return self.home / "node.log"

    @property
    def pid_path(self) -> Path:
        return self.home / "pysei.pid"


@dataclass(frozen=True)
class LoadAccount:
    privkey: bytes
    address: str  # bech32
    evm_address: bytes
    account_number: int


@dataclass(frozen=True)
class Localnet:
    root: Path
    chain_id: str
    evm_chain_id: int
    nodes: tuple[NodeInfo, ...]

    def save(self) -> None:
        body = {
            "chain_id": self.chain_id,
            "evm_chain_id": self.evm_chain_id,
            "nodes": [
                {"name": n.name, "home": str(n.home), "node_id": n.node_id, "workers": n.workers,
                 "ports": n.ports.as_dict()}
                for n in self.nodes
            ],
        }
        (self.root / MANIFEST).write_text(json.dumps(body, indent=2) + "\n")

    @staticmethod
    def load(root: Path | str) -> Localnet:
        root = Path(root)
        body = json.loads((root / MANIFEST).read_text())
        nodes = tuple(
            NodeInfo(n["name"], Path(n["home"]), n["node_id"], int(n["workers"]), NodePorts(**n["ports"]))
            for n in body["nodes"]
        )
        return Localnet(root, body["chain_id"], int(body["evm_chain_id"]), nodes)

    def accounts(self) -> list[LoadAccount]:
        path = self.root / ACCOUNTS
        if not path.exists():
            return []
        return [
            LoadAccount(bytes.fromhex(a["privkey"]), a["address"], bytes.fromhex(a["evm_address"][2:]),
                        int(a["account_number"]))
            for a in json.loads(path.read_text())
        ]


def save_accounts(root: Path, accounts: list[LoadAccount]) -> None:
    body = [
        {"privkey": a.privkey.hex(), "address": a.address, "evm_address": "0x" + a.evm_address.hex(),
         "account_number": a.account_number}
        for a in accounts
    ]
    path = root / ACCOUNTS
    path.write_text(json.dumps(body, indent=1) + "\n")
    path.chmod(0o600)
