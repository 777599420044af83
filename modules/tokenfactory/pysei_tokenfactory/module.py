"""The ``tokenfactory`` module value, named by the ``pysei.modules`` entry point."""

from __future__ import annotations

from abci_app.module_api import Module

from . import denoms, genesis, msgs, queries


def module() -> Module:
    return Module(
        name="tokenfactory",
        store_names=(denoms.STORE,),
        messages=msgs.handlers(),
        queries=queries.routes(),
        init_genesis=genesis.init_genesis,
        export_genesis=genesis.export_genesis,
    )
