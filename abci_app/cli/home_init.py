"""``pysei init``: a ready single-validator home with funded keys and ~390 ms blocks."""

from __future__ import annotations

import argparse
import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from abci_app.cli.keyring import Keyring
from abci_app.config import AppConfig
from abci_app.modules.staking.genesis import genesis_validator
from abci_app.modules.staking.records import power
from abci_app.node import cometbft_home
from abci_app.node.home import Home
from ledger.addresses import to_bech32
from ledger.context import BLOCK_PARAMS_SECTION

DEFAULT_BALANCE = 10**15  # usei per funded key (1 billion SEI)
DEFAULT_KEYS = ("validator", "alice", "bob")
GENESIS_TIME = "2026-01-01T00:00:00Z"
BLOCK_MAX_GAS = 100_000_000
#: The limit on a block's summed gas limits (``app_state.consensus.max_gas_wanted``): twice
#: the gas limit, as a native tx's limit is mostly unused (a MsgSend uses ~55k of the CLI's
#: 200k); the gas limit bounds the gas expected to be used.
BLOCK_MAX_GAS_WANTED = 2 * BLOCK_MAX_GAS
INITIAL_BASE_FEE_WEI = 1_000_000_000  # 1 gwei
#: The ``validator`` key's genesis self-delegation (power 1,000,000), funded on top of its
#: balance; local chains unbond in 60 s.
SELF_DELEGATION = 10**12
UNBONDING_TIME_NS = 60 * 10**9


@dataclass(frozen=True)
class FundedAccount:
    sei_address: bytes
    pubkey: bytes  # compressed secp256k1, b"" when unknown
    evm_address: bytes | None
    amount: int


def app_genesis(
    accounts: Sequence[FundedAccount], denom: str = "usei", validators: Sequence[dict] = ()
) -> dict:
    """The ``app_state`` of genesis.json, one section per module. ``validators`` are
    ``abci_app.modules.staking.genesis.genesis_validator`` entries; their operators must be
    funded accounts (the self-delegation is paid from the genesis balance)."""
    return {
        BLOCK_PARAMS_SECTION: {"max_gas_wanted": str(BLOCK_MAX_GAS_WANTED)},
        "staking": {"params": {"unbonding_time_ns": str(UNBONDING_TIME_NS)}, "validators": list(validators)},
        "auth": {
            "accounts": [
                {"address": to_bech32(a.sei_address), "pub_key": a.pubkey.hex()} for a in accounts
            ]
        },
        "bank": {
            "balances": [
                {"address": to_bech32(a.sei_address), "coins": [{"denom": denom, "amount": str(a.amount)}]}
                for a in accounts
            ]
        },
        "evm": {
            "base_fee_wei": str(INITIAL_BASE_FEE_WEI),
            "associations": [
                {"sei_address": to_bech32(a.sei_address), "evm_address": "0x" + a.evm_address.hex()}
                for a in accounts
                if a.evm_address is not None
            ],
        },
    }


def init_home(
    root: Path,
    chain_id: str,
    *,
    key_names: Sequence[str] = DEFAULT_KEYS,
    balance: int = DEFAULT_BALANCE,
    extra_accounts: Sequence[FundedAccount] = (),
    config: AppConfig | None = None,
    occ_workers: int = 0,
) -> Home:
    """Create keys, app config, CometBFT home and genesis under ``root``."""
    home = Home(Path(root))
    if home.app_toml.exists():
        raise FileExistsError(f"{home.app_toml} exists; refusing to overwrite a home")
    cfg = config or AppConfig(chain_id=chain_id, occ_workers=occ_workers)
    cfg.chain_id = chain_id
    cfg.save(home.root)
    ring = Keyring(home.keys)
    funded = []
    for name in key_names:
        key = ring.create(name)
        extra = SELF_DELEGATION if name == "validator" else 0
        funded.append(FundedAccount(key.sei_address, key.pubkey, key.evm_address, balance + extra))
    funded.extend(extra_accounts)
    cometbft_home.run_init(home.cometbft)
    validators, comet_validators = _genesis_validator(home.cometbft, funded, key_names)
    cometbft_home.patch_config(
        home.cometbft / "config" / "config.toml",
        cometbft_home.node_config(abci_address=cfg.abci_address, abci=cfg.abci_transport, moniker=f"pysei-{home.root.name}"),
    )
    cometbft_home.patch_genesis(
        home.cometbft,
        chain_id=chain_id,
        app_state=app_genesis(funded, validators=validators),
        max_gas=BLOCK_MAX_GAS,
        validators=comet_validators,
        genesis_time=GENESIS_TIME,
    )
    return home


def _genesis_validator(
    cometbft: Path, funded: Sequence[FundedAccount], key_names: Sequence[str]
) -> tuple[list[dict], list[dict] | None]:
    """The staking genesis validator of this home's consensus key, self-delegated by the
    ``validator`` key, and genesis.json's matching entry (same power, so CometBFT's set and
    staking agree at height 1). Without a ``validator`` key: none, CometBFT's default."""


    if "validator" not in key_names:
        return [], None
    operator = funded[list(key_names).index("validator")].sei_address
    pub = json.loads((cometbft / "config" / "priv_validator_key.json").read_text())["pub_key"]["value"]
    entry = genesis_validator(operator, base64.b64decode(pub), SELF_DELEGATION, moniker="validator")
    return [entry], [cometbft_home.validator_entry(cometbft, power(SELF_DELEGATION), "validator")]


def init_command(args: argparse.Namespace) -> int:
    """``pysei init --home H --chain-id C [--occ-workers N]``."""
    home = init_home(Path(args.home), args.chain_id, occ_workers=args.occ_workers)
    print(f"initialised {home.root} for chain {args.chain_id}")
    return 0
