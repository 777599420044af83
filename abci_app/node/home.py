"""A node home: ``pysei init`` writes it, every other command reads it.

Layout::

    <home>/config/app.toml        app config (ports, limits, OCC workers, store knobs)
    <home>/data/                  SeiDB (state store, commitment changelog and snapshots)
    <home>/index/                 block, tx and receipt indexes for the JSON-RPC
    <home>/keys/<name>.json       local keyring (secp256k1, mode 0600)
    <home>/cometbft/              CometBFT's own home (config.toml, genesis.json, keys, blocks)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def config_dir(self) -> Path:
        return self.root / "config"

    @property
    def app_toml(self) -> Path:
        return self.config_dir / "app.toml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def index(self) -> Path:
        return self.root / "index"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def cometbft(self) -> Path:
        return self.root / "cometbft"

    @property
    def genesis(self) -> Path:
        return self.cometbft / "config" / "genesis.json"
