"""``pysei export``: the chain state at a height as a CometBFT genesis document.

Each enabled module's ``export_genesis`` reads SeiDB at that height and fills its section of
``app_state`` (the core fills the block parameters' section); the rest of the document
(consensus params, validators, genesis time) comes from the node's own ``genesis.json``, so a
node initialised with the output and the same modules starts at height 1 with the exported
balances, accounts, EVM code and storage. A module with a ``genesis_validators`` hook
supplies the validator set instead.

The state is read through ``SeiDB.read_view`` when the node is stopped; while it runs, the
store is locked by the node and is read through a RocksDB secondary instance instead.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import hashlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from abci_app.cli.commands.common import CommandError
from abci_app.config import AppConfig
from abci_app.module_api import Module, ValidatorUpdate
from abci_app.modules.loader import load_modules
from abci_app.node.home import Home
from abci_app.node.supervisor import open_db
from ledger.addresses import ripemd160
from ledger.context import BLOCK_PARAMS_SECTION, export_block_params
from store.api import ReadView
from store.multistore import SeiDB
from store.ss.rocks import VersionUnavailable


class ExportError(Exception):
    """The state cannot be exported as asked (no such height, missing home)."""


def export_app_state(view: ReadView, modules: Sequence[Module]) -> tuple[dict[str, Any], list[str]]:
    """``app_state`` sections of the block parameters and of every module that exports one,
    and the names of the modules that do not."""
    state: dict[str, Any] = {}
    block_params = export_block_params(view)
    if block_params:
        state[BLOCK_PARAMS_SECTION] = block_params
    skipped = []
    for module in modules:
        if module.export_genesis is None:
            skipped.append(module.name)
        else:
            state[module.name] = module.export_genesis(view)
    return state, skipped


def _locked_by_node(ss_dir: Path) -> bool:
    """Whether a running node holds the state store's RocksDB lock (probed, not taken)."""
    lock = ss_dir / "LOCK"
    if not lock.exists():
        return False
    with open(lock, "rb+") as f:
        try:
            fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(f, fcntl.LOCK_UN)
    return False


@contextmanager
def state_at(home: Home, config: AppConfig) -> Iterator[Callable[[int | None], tuple[ReadView, int]]]:
    """Yields ``read(height)`` -> (view, height read); ``None`` is the latest height."""
    ss_dir = home.data / "ss"
    if not ss_dir.exists():
        raise ExportError(f"no chain state under {home.data}")
    if _locked_by_node(ss_dir):

        reader = SeiDB(home.data).state_opener().open()
        try:

            def read_running(height: int | None) -> tuple[ReadView, int]:
                if height is None:
                    raise ExportError("the node is running: name the height to export (--height)")
                try:
                    return reader.view(height), height
                except VersionUnavailable as e:
                    raise ExportError(str(e)) from None

            yield read_running
        finally:
            reader.close()
        return

    db = open_db(home, config)
    db.start()
    try:

        def read_stopped(height: int | None) -> tuple[ReadView, int]:
            h = db.last_height() if height is None else height
            try:
                return db.read_view(h), h
            except VersionUnavailable as e:
                raise ExportError(str(e)) from None

        yield read_stopped
    finally:
        db.close()


def _genesis_validator(update: ValidatorUpdate) -> dict[str, Any]:
    if update.pubkey_type == "ed25519":
        address, kind = hashlib.sha256(update.pubkey).digest()[:20], "tendermint/PubKeyEd25519"
    else:
        address, kind = ripemd160(hashlib.sha256(update.pubkey).digest()), "tendermint/PubKeySecp256k1"
    return {
        "address": address.hex().upper(),
        "pub_key": {"type": kind, "value": base64.b64encode(update.pubkey).decode()},
        "power": str(update.power),
        "name": "",
    }


@dataclass(frozen=True)
class Export:
    genesis: dict[str, Any]
    height: int
    #: Enabled modules without ``export_genesis``: their state is not in the document.
    skipped: tuple[str, ...]


def export_genesis(
    home_dir: Path, height: int | None = None, *, chain_id: str | None = None, modules: Sequence[Module] | None = None
) -> Export:
    """The genesis document of a new chain holding ``home_dir``'s state at ``height``
    (default: the latest committed height of a stopped node)."""

    home = Home(Path(home_dir))
    if not home.genesis.exists():
        raise ExportError(f"{home.genesis} not found: not a pysei home")
    config = AppConfig.load(home.root)
    enabled = list(modules) if modules is not None else load_modules(config.modules)
    with state_at(home, config) as read:
        view, read_height = read(height)
        app_state, skipped = export_app_state(view, enabled)
        validators = [u for m in enabled if m.genesis_validators for u in m.genesis_validators(view)]
    genesis = json.loads(home.genesis.read_text())
    genesis["app_state"] = app_state
    genesis["app_hash"] = ""
    genesis["initial_height"] = "1"
    if chain_id:
        genesis["chain_id"] = chain_id
    if validators:
        genesis["validators"] = [_genesis_validator(u) for u in validators if u.power > 0]
    return Export(genesis, read_height, tuple(skipped))


def export_command(args: argparse.Namespace) -> int:
    """``pysei export --home H [--height N] [--out F] [--chain-id C]``."""
    try:
        result = export_genesis(Path(args.home), args.height, chain_id=args.chain_id)
    except (ExportError, ValueError) as e:
        raise CommandError(str(e)) from None
    text = json.dumps(result.genesis, indent=2, sort_keys=True) + "\n"
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    note = f"exported height {result.height}" + (f" to {args.out}" if args.out else "")
    if result.skipped:
        note += f"; modules without export (state left out): {', '.join(result.skipped)}"
    print(note, file=sys.stderr)
    return 0
