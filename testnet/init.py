"""``pysei testnet init``: N validator homes sharing one genesis, wired on loopback ports.

Each ``DIR/nodeI`` is made like ``pysei init`` (keys, app.toml, ``cometbft init``, tuned
config.toml); then one genesis is written to every home: N validators of equal power, the
validators' keys and ``accounts`` load-test keys funded (keys in ``DIR/accounts.json``, EVM
addresses associated), explicit account numbers in genesis order.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from coincurve import PrivateKey

from abci_app import cometbft_home
from abci_app.config import AppConfig
from abci_app.init import BLOCK_MAX_GAS, DEFAULT_BALANCE, GENESIS_TIME, FundedAccount, app_genesis, init_home
from abci_app.keys import Keyring
from ledger.addresses import evm_address_from_pubkey, sei_address_from_pubkey, to_bech32

from .manifest import LoadAccount, Localnet, NodeInfo, save_accounts
from .ports import DEFAULT_BASE_PORT, NodePorts, node_ports

DEFAULT_CHAIN_ID = "pysei-localnet-1"
VALIDATOR_POWER = 10
#: Gossip tuning on top of ``FAST_BLOCKS``: proposals and votes cross loopback without waiting.
GOSSIP = {
    "p2p": {"flush_throttle_timeout": "10ms", "pex": False},
    "consensus": {"peer_gossip_sleep_duration": "10ms"},
}


def node_id(cometbft: Path) -> str:
    out = subprocess.run(
        [cometbft_home.cometbft_binary(), "show-node-id", "--home", str(cometbft)],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def make_accounts(count: int) -> list[LoadAccount]:
    """``count`` fresh keys (account numbers are assigned when the genesis is written)."""
    out = []
    for _ in range(count):
        key = PrivateKey()
        pub = key.public_key.format(compressed=True)
        out.append(LoadAccount(key.secret, to_bech32(sei_address_from_pubkey(pub)), evm_address_from_pubkey(pub), -1))
    return out


def _app_config(chain_id: str, ports: NodePorts, workers: int, snapshot_interval: int) -> AppConfig:
    cfg = AppConfig(chain_id=chain_id, occ_workers=workers)
    cfg.abci_address = f"127.0.0.1:{ports.abci}"
    cfg.evm_http_address = f"127.0.0.1:{ports.evm_http}"
    cfg.evm_ws_address = f"127.0.0.1:{ports.evm_ws}"
    cfg.metrics_address = f"127.0.0.1:{ports.metrics}"
    cfg.cometbft_rpc = ports.rpc_url
    if snapshot_interval:
        cfg.store.sc_snapshot_interval = snapshot_interval
        cfg.store.sc_snapshot_keep_recent = 2
    return cfg


def wire_node(home: Path, ports: NodePorts, moniker: str, peers: str, abci_address: str) -> None:
    """Ports, peers, fast-block timeouts and gossip tuning in the node's config.toml."""
    config = cometbft_home.node_config(
        abci_address=abci_address, rpc_port=ports.rpc, p2p_port=ports.p2p,
        prometheus_port=ports.prometheus, moniker=moniker, persistent_peers=peers,
    )
    for section, values in GOSSIP.items():
        config.setdefault(section, {}).update(values)
    cometbft_home.patch_config(home / "cometbft" / "config" / "config.toml", config)


def init_localnet(
    out: Path,
    validators: int,
    *,
    workers: Sequence[int] = (1,),
    base_port: int = DEFAULT_BASE_PORT,
    accounts: int = 1000,
    chain_id: str = DEFAULT_CHAIN_ID,
    snapshot_interval: int = 0,
) -> Localnet:
    """Create ``validators`` homes under ``out`` (``out/node0``…) and ``out/localnet.json``."""
    out = Path(out).resolve()
    if (out / "localnet.json").exists():
        raise FileExistsError(f"{out} already holds a localnet; remove it first")
    out.mkdir(parents=True, exist_ok=True)
    nodes: list[NodeInfo] = []
    funded: list[FundedAccount] = []
    for i in range(validators):
        ports = node_ports(i, base_port)
        count = workers[i % len(workers)]
        cfg = _app_config(chain_id, ports, count, snapshot_interval)
        home = init_home(out / f"node{i}", chain_id, key_names=("validator",), config=cfg)
        key = Keyring(home.keys).get("validator")
        funded.append(FundedAccount(key.sei_address, key.pubkey, key.evm_address, DEFAULT_BALANCE))
        nodes.append(NodeInfo(f"node{i}", home.root, node_id(home.cometbft), count, ports))
    load = make_accounts(accounts)
    numbered = [LoadAccount(a.privkey, a.address, a.evm_address, len(funded) + j) for j, a in enumerate(load)]
    for a in numbered:
        pub = PrivateKey(a.privkey).public_key.format(compressed=True)
        funded.append(FundedAccount(sei_address_from_pubkey(pub), pub, a.evm_address, DEFAULT_BALANCE))
    write_genesis(nodes, funded, chain_id)
    for n in nodes:
        peers = ",".join(f"{p.node_id}@127.0.0.1:{p.ports.p2p}" for p in nodes if p is not n)
        wire_node(n.home, n.ports, f"pysei-{n.name}", peers, f"127.0.0.1:{n.ports.abci}")
    save_accounts(out, numbered)
    net = Localnet(out, chain_id, AppConfig().evm_chain_id, tuple(nodes))
    net.save()
    return net


def write_genesis(nodes: Sequence[NodeInfo], funded: Sequence[FundedAccount], chain_id: str) -> None:
    """One genesis (equal-power validators, funded accounts) written to node 0, copied to all."""
    state = app_genesis(funded)
    for number, entry in enumerate(state["auth"]["accounts"]):
        entry["account_number"] = str(number)
    first = nodes[0].home / "cometbft"
    cometbft_home.patch_genesis(
        first,
        chain_id=chain_id,
        app_state=state,
        max_gas=BLOCK_MAX_GAS,
        validators=[cometbft_home.validator_entry(n.home / "cometbft", VALIDATOR_POWER, n.name) for n in nodes],
        genesis_time=GENESIS_TIME,
    )
    source = first / "config" / "genesis.json"
    for n in nodes[1:]:
        shutil.copyfile(source, n.home / "cometbft" / "config" / "genesis.json")
