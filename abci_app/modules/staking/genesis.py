"""Genesis of the three modules.

``staking``::

    {"params": {"unbonding_time_ns": "...", "max_validators": 100, "min_self_delegation": "1"},
     "validators": [{"operator_address": "seivaloper1..", "consensus_pubkey": "<base64 ed25519>",
                     "moniker": "v0", "commission_rate": "0.1", "max_rate": "0.2",
                     "max_change_rate": "0.01", "min_self_delegation": "1",
                     "self_delegation": "1000000000"}],
     "delegations": [{"delegator_address": "sei1..", "validator_address": "seivaloper1..",
                      "amount": "5"}]}

Validators are created exactly as by ``MsgCreateValidator`` (the operator's genesis bank
balance pays the self-delegation, so ``bank`` must come before ``staking`` in the modules
list) and are bonded by block 1's ``validator_updates``. ``distribution`` and ``slashing``
take ``{"params": {...}}`` (slashing) and nothing (distribution).

Export writes every module store key verbatim (``{"params": .., "raw": [[key_hex, value_hex]]}``)
and import accepts that form, so an exported chain restarts bit for bit.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from abci_app.module_api import MsgError
from abci_app.modules.staking import liveness, ops, rewards, state
from abci_app.modules.staking.records import DEC, Params, parse_dec
from ledger.addresses import VALOPER_PREFIX, from_bech32, to_bech32
from store.api import KVView, ReadView


def genesis_validator(
    operator: bytes, pubkey: bytes, self_delegation: int, moniker: str = "", commission_rate: str = "0.1"
) -> dict[str, str]:
    """One ``validators`` entry (used by ``pysei init`` and the localnet scripts)."""
    return {
        "operator_address": to_bech32(operator, VALOPER_PREFIX),
        "consensus_pubkey": base64.b64encode(pubkey).decode(),
        "moniker": moniker,
        "commission_rate": commission_rate,
        "max_rate": "0.2",
        "max_change_rate": "0.01",
        "min_self_delegation": "1",
        "self_delegation": str(self_delegation),
    }


def _raw_import(view: KVView, store: str, data: Mapping[str, Any]) -> bool:
    for k, v in data.get("raw", []):
        view.set(store, bytes.fromhex(k), bytes.fromhex(v))
    return "raw" in data


def _raw_export(view: ReadView, store: str) -> list[list[str]]:
    return [[k.hex(), v.hex()] for k, v in view.iterate(store, None, None)]


def init_staking(view: KVView, data: Mapping[str, Any]) -> None:
    if _raw_import(view, state.STORE, data):
        return
    state.set_params(view, Params.from_genesis(dict(data.get("params", {}))))
    try:
        for e in data.get("validators", []):
            new = ops.NewValidator(
                operator=from_bech32(e["operator_address"], VALOPER_PREFIX),
                pubkey=base64.b64decode(e["consensus_pubkey"]), moniker=e.get("moniker", ""),
                commission_rate=parse_dec(e.get("commission_rate", "0")),
                max_rate=parse_dec(e.get("max_rate", "1")), max_change_rate=parse_dec(e.get("max_change_rate", "1")),
                min_self_delegation=int(e.get("min_self_delegation", "1")), amount=int(e["self_delegation"]),
            )
            ops.create_validator(view, 0, new)
        for d in data.get("delegations", []):
            ops.delegate(view, from_bech32(d["delegator_address"]),
                         from_bech32(d["validator_address"], VALOPER_PREFIX), int(d["amount"]))
    except MsgError as e:
        raise ValueError(f"staking genesis: {e.log}") from None


def export_staking(view: ReadView) -> Mapping[str, Any]:
    return {"raw": _raw_export(view, state.STORE)}


def init_distribution(view: KVView, data: Mapping[str, Any]) -> None:
    _raw_import(view, rewards.STORE, data)


def export_distribution(view: ReadView) -> Mapping[str, Any]:
    return {"raw": _raw_export(view, rewards.STORE)}


def init_slashing(view: KVView, data: Mapping[str, Any]) -> None:
    if not _raw_import(view, liveness.STORE, data):
        view.set(liveness.STORE, b"P", liveness.Params.from_genesis(dict(data.get("params", {}))).encode())


def export_slashing(view: ReadView) -> Mapping[str, Any]:
    return {"raw": _raw_export(view, liveness.STORE)}


__all__ = ["DEC", "genesis_validator"]
