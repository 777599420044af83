"""tokenfactory genesis (the SDK's JSON shape)::

    {"factory_denoms": [{"denom": "factory/sei1../uatom",
                         "authority_metadata": {"admin": "sei1.."}}]}   # "" = no admin

Balances, supply and metadata of factory denoms are the bank module's genesis.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from abci_app.module_api import KVView, MsgError, ReadView
from ledger.addresses import from_bech32, to_bech32

from . import denoms


def init_genesis(view: KVView, state: Mapping[str, Any]) -> None:
    for entry in state.get("factory_denoms", []):
        denom = entry["denom"]
        try:
            creator, _ = denoms.split(denom)
        except MsgError as e:
            raise ValueError(f"tokenfactory genesis: {e.log}") from None
        if denoms.admin(view, denom) is not None:
            raise ValueError(f"tokenfactory genesis: duplicate denom {denom}")
        admin = entry.get("authority_metadata", {}).get("admin", "")
        denoms.add_denom(view, from_bech32(creator), denom, from_bech32(admin) if admin else b"")


def export_genesis(view: ReadView) -> Mapping[str, Any]:
    return {
        "factory_denoms": [
            {"denom": denom, "authority_metadata": {"admin": to_bech32(admin) if admin else ""}}
            for denom, admin in denoms.all_denoms(view)
        ]
    }
