"""The ``tokenfactory`` module value, named by the ``pysei.modules`` entry point."""

from __future__ import annotations

from dataclasses import replace

from abci_app.module_api import Module

from . import amino, denoms, genesis, msgs, queries


def module() -> Module:
    handlers = {url: replace(h, amino=amino.converter(url)) for url, h in msgs.handlers().items()}
    return Module(
        name="tokenfactory",
        store_names=(denoms.STORE,),
        messages=handlers,
        queries=queries.routes(),
        init_genesis=genesis.init_genesis,
        export_genesis=genesis.export_genesis,
    )
