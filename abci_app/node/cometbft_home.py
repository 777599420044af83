"""The CometBFT half of a node home: ``cometbft init``, config.toml tuning, genesis edits.

Layout under ``<home>/cometbft``: ``config/{config.toml,genesis.json,priv_validator_key.json,
node_key.json}`` and ``data/`` (CometBFT's block store and state).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

COMETBFT_VERSION = "0.38.17"

#: Consensus timeouts for Sei's ~390 ms blocks on one machine. The commit pause starts when a
#: block is decided, before the app executes it; it is short (100 ms) because the app's
#: PrepareProposal waits for the rest of its block interval (``proposal_interval_ms``, 250)
#: only while txs are still arriving (``abci_app/application/txpool/pacing.py``): blocks
#: ~270 ms apart idle and under load, a burst's last txs proposed as soon as they are in.
FAST_BLOCKS = {
    "timeout_propose": "1s",
    "timeout_propose_delta": "200ms",
    "timeout_prevote": "200ms",
    "timeout_prevote_delta": "100ms",
    "timeout_precommit": "200ms",
    "timeout_precommit_delta": "100ms",
    "timeout_commit": "100ms",
    "create_empty_blocks": True,
    # Proposals, block parts and votes cross to peers without waiting (CometBFT's 100 ms
    # default): a node following a validator keeps up with blocks this fast.
    "peer_gossip_sleep_duration": "10ms",
}


def cometbft_binary() -> str:
    """The pinned CometBFT binary: ``$PYSEI_COMETBFT``, the project's ``.bin/``, or PATH."""
    env = os.environ.get("PYSEI_COMETBFT")
    if env and Path(env).exists():
        return env
    local = Path(__file__).resolve().parents[2] / ".bin" / "cometbft"
    if local.exists():
        return str(local)
    found = shutil.which("cometbft")
    if not found:
        raise FileNotFoundError("cometbft not found: run `make cometbft`")
    return found


def run_init(cometbft_home: Path) -> None:
    subprocess.run(
        [cometbft_binary(), "init", "--home", str(cometbft_home)],
        check=True,
        capture_output=True,
    )


def _toml_value(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return json.dumps(str(v))


def patch_config(path: Path, changes: Mapping[str, Mapping[str, object]]) -> None:
    """Set ``key = value`` lines inside ``[section]`` of a TOML file (``""`` = top level).

    Every key must already exist in CometBFT's generated file, so a typo fails loudly.
    """
    lines = path.read_text().splitlines()
    section = ""
    pending = {sec: dict(kv) for sec, kv in changes.items()}
    for i, line in enumerate(lines):
        header = re.match(r"^\[([^\]]+)\]\s*$", line)
        if header:
            section = header.group(1)
            continue
        m = re.match(r"^([A-Za-z0-9_\-]+)\s*=", line)
        if m and m.group(1) in pending.get(section, {}):
            key = m.group(1)
            lines[i] = f"{key} = {_toml_value(pending[section].pop(key))}"
    missing = {s: list(kv) for s, kv in pending.items() if kv}
    if missing:
        raise KeyError(f"keys not found in {path}: {missing}")
    path.write_text("\n".join(lines) + "\n")


def proxy_app(abci_address: str, transport: str) -> str:
    """CometBFT's ``proxy_app`` for the app's ABCI address: ``tcp://`` for the socket
    transport, the bare ``host:port`` for gRPC."""
    bare = abci_address.removeprefix("tcp://")
    return f"tcp://{bare}" if transport == "socket" else bare


def node_config(
    *,
    abci_address: str,
    abci: str = "socket",
    rpc_port: int = 26657,
    p2p_port: int = 26656,
    prometheus_port: int = 26660,
    moniker: str = "pysei",
    persistent_peers: str = "",
) -> dict[str, dict[str, object]]:
    """config.toml settings of a pysei node (everything on 127.0.0.1)."""
    return {
        "": {
            "moniker": moniker,
            "proxy_app": proxy_app(abci_address, abci),
            "abci": abci,
        },
        "rpc": {
            "laddr": f"tcp://127.0.0.1:{rpc_port}",
            "max_body_bytes": 5_000_000,
        },
        "p2p": {
            "laddr": f"tcp://127.0.0.1:{p2p_port}",
            "persistent_peers": persistent_peers,
            "addr_book_strict": False,
            "allow_duplicate_ip": True,
            "flush_throttle_timeout": "10ms",  # with the consensus gossip above
        },
        # Room for pipelined loads (50 senders x 100 txs in flight) plus queued and replaced
        # txs; recheck is how replaced and expired txs leave (abci_app/txpool).
        "mempool": {"size": 20_000, "cache_size": 50_000, "max_tx_bytes": 2 * 1_048_576,
                    "max_txs_bytes": 256 * 1_048_576, "recheck": True},
        "consensus": dict(FAST_BLOCKS),
        "tx_index": {"indexer": "kv"},
        "instrumentation": {
            "prometheus": True,
            "prometheus_listen_addr": f"127.0.0.1:{prometheus_port}",
        },
    }


def patch_genesis(
    cometbft_home: Path,
    *,
    chain_id: str,
    app_state: Mapping[str, object],
    max_gas: int,
    validators: list[dict] | None = None,
    genesis_time: str | None = None,
) -> dict:
    path = cometbft_home / "config" / "genesis.json"
    genesis = json.loads(path.read_text())
    genesis["chain_id"] = chain_id
    genesis["initial_height"] = "1"
    genesis["app_state"] = app_state
    genesis["consensus_params"]["block"]["max_gas"] = str(max_gas)
    if validators is not None:
        genesis["validators"] = validators
    if genesis_time:
        genesis["genesis_time"] = genesis_time
    path.write_text(json.dumps(genesis, indent=2) + "\n")
    return genesis


def validator_entry(cometbft_home: Path, power: int, name: str) -> dict:
    """The genesis ``validators`` entry of this home's priv_validator_key."""
    key = json.loads((cometbft_home / "config" / "priv_validator_key.json").read_text())
    return {"address": key["address"], "pub_key": key["pub_key"], "power": str(power), "name": name}
