"""``pysei testnet init``: N validator homes sharing one genesis, wired on loopback ports.

Each ``DIR/nodeI`` is made like ``pysei init`` (keys, app.toml, ``cometbft init``, tuned
config.toml); then one genesis is written to every home: N staking validators of equal
power (each node's ``validator`` key self-delegates ``SELF_DELEGATION`` to its CometBFT
consensus key through the staking genesis, as ``pysei init`` does, and genesis.json lists the
same keys and powers), the validators' keys and ``accounts`` load-test keys funded (keys in
``DIR/accounts.json``, EVM addresses associated), explicit account numbers in genesis order.
Staking and slashing params may be overridden (short unbonding times and liveness windows
for tests).
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from coincurve import PrivateKey

from abci_app.cli.home_init import (
    BLOCK_MAX_GAS,
    DEFAULT_BALANCE,
    GENESIS_TIME,
    FundedAccount,
    app_genesis,
    init_home,
)
from abci_app.cli.keyring import Keyring
from abci_app.config import AppConfig
from abci_app.modules.staking.genesis import genesis_validator
from abci_app.modules.staking.records import POWER_REDUCTION
from abci_app.node import cometbft_home
from ledger.addresses import evm_address_from_pubkey, sei_address_from_pubkey, to_bech32
from testnet.manifest import LoadAccount, Localnet, NodeInfo, save_accounts
from testnet.ports import DEFAULT_BASE_PORT, NodePorts, node_ports

DEFAULT_CHAIN_ID = "pysei-localnet-1"
VALIDATOR_POWER = 10
#: usei each genesis validator self-delegates (funded on top of its ``DEFAULT_BALANCE``).
SELF_DELEGATION = VALIDATOR_POWER * POWER_REDUCTION
#: A localnet's peers are all listed: no peer exchange.
LOCALNET_P2P = {"pex": False}


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
    cfg.rest_address = f"127.0.0.1:{ports.rest}"
    cfg.grpc_address = f"127.0.0.1:{ports.grpc}"
    cfg.explorer_address = ""  # N nodes on one host: run ``pysei explorer --node`` against one
    cfg.cometbft_rpc = ports.rpc_url
    if snapshot_interval:
        cfg.store.sc_snapshot_interval = snapshot_interval
        cfg.store.sc_snapshot_keep_recent = 2
    return cfg


def wire_node(home: Path, ports: NodePorts, moniker: str, peers: str, abci_address: str) -> None:
    """Ports, peers, fast-block timeouts and gossip tuning (``node_config``) in the node's
    config.toml, without peer exchange."""
    config = cometbft_home.node_config(
        abci_address=abci_address, rpc_port=ports.rpc, p2p_port=ports.p2p,
        prometheus_port=ports.prometheus, moniker=moniker, persistent_peers=peers,
    )
    config["p2p"].update(LOCALNET_P2P)
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
    staking_params: Mapping[str, object] | None = None,
    slashing_params: Mapping[str, object] | None = None,
) -> Localnet:
    """Create ``validators`` homes under ``out`` (``out/node0``…) and ``out/localnet.json``.
    ``staking_params`` / ``slashing_params`` override the genesis params of those modules
    (e.g. ``{"unbonding_time_ns": 10**10}``, ``{"signed_blocks_window": 10}``)."""
    out = Path(out).resolve()
    if (out / "localnet.json").exists():
        raise FileExistsError(f"{out} already holds a localnet; remove it first")
    out.mkdir(parents=True, exist_ok=True)
    nodes: list[NodeInfo] = []
    funded: list[FundedAccount] = []
    stakes: list[dict] = []
    for i in range(validators):
        ports = node_ports(i, base_port)
        count = workers[i % len(workers)]
        cfg = _app_config(chain_id, ports, count, snapshot_interval)
        home = init_home(out / f"node{i}", chain_id, key_names=("validator",), config=cfg)
        key = Keyring(home.keys).get("validator")
        funded.append(FundedAccount(key.sei_address, key.pubkey, key.evm_address, DEFAULT_BALANCE + SELF_DELEGATION))
        stakes.append(genesis_validator(key.sei_address, consensus_pubkey(home.cometbft), SELF_DELEGATION,
                                        moniker=f"node{i}"))
        nodes.append(NodeInfo(f"node{i}", home.root, node_id(home.cometbft), count, ports))
    load = make_accounts(accounts)
    numbered = [LoadAccount(a.privkey, a.address, a.evm_address, len(funded) + j) for j, a in enumerate(load)]
    for a in numbered:
        pub = PrivateKey(a.privkey).public_key.format(compressed=True)
        funded.append(FundedAccount(sei_address_from_pubkey(pub), pub, a.evm_address, DEFAULT_BALANCE))
    write_genesis(nodes, funded, chain_id, stakes, staking_params or {}, slashing_params or {})
    for n in nodes:
        peers = ",".join(f"{p.node_id}@127.0.0.1:{p.ports.p2p}" for p in nodes if p is not n)
        wire_node(n.home, n.ports, f"pysei-{n.name}", peers, f"127.0.0.1:{n.ports.abci}")
    save_accounts(out, numbered)
    net = Localnet(out, chain_id, AppConfig().evm_chain_id, tuple(nodes))
    net.save()
    return net


def consensus_pubkey(cometbft: Path) -> bytes:
    """The ed25519 public key of the home's ``priv_validator_key.json``."""
    key = json.loads((cometbft / "config" / "priv_validator_key.json").read_text())
    return base64.b64decode(key["pub_key"]["value"])


def write_genesis(
    nodes: Sequence[NodeInfo], funded: Sequence[FundedAccount], chain_id: str, stakes: Sequence[dict],
    staking_params: Mapping[str, object], slashing_params: Mapping[str, object],
) -> None:
    """One genesis written to node 0, copied to all: funded accounts, ``stakes`` (one staking
    genesis validator per node, in node order) and CometBFT validators of the same power."""
    state = app_genesis(funded, validators=stakes)
    state["staking"]["params"].update({k: str(v) for k, v in staking_params.items()})
    if slashing_params:
        state["slashing"] = {"params": {k: str(v) for k, v in slashing_params.items()}}
    for number, entry in enumerate(state["auth"]["accounts"]):
        entry["account_number"] = str(number)
    first = nodes[0].home / "cometbft"
    comet = [cometbft_home.validator_entry(n.home / "cometbft", int(s["self_delegation"]) // POWER_REDUCTION, n.name)
             for n, s in zip(nodes, stakes, strict=True)]
    cometbft_home.patch_genesis(
        first,
        chain_id=chain_id,
        app_state=state,
        max_gas=BLOCK_MAX_GAS,
        validators=comet,
        genesis_time=GENESIS_TIME,
    )
    source = first / "config" / "genesis.json"
    for n in nodes[1:]:
        shutil.copyfile(source, n.home / "cometbft" / "config" / "genesis.json")


def init_command(args: argparse.Namespace) -> int:
    """``pysei testnet init``: write the localnet and print where each node lives."""
    net = init_localnet(
        Path(args.out), args.validators, workers=args.workers, base_port=args.base_port,
        accounts=args.accounts, chain_id=args.chain_id, snapshot_interval=args.snapshot_interval,
    )
    for n in net.nodes:
        print(f"{n.name}: {n.home} workers={n.workers} rpc={n.rpc_url} id={n.node_id}")
    print(f"localnet of {len(net.nodes)} validators in {net.root}")
    return 0
