"""The method table: JSON-RPC name -> ``Method``, built from the method modules listed here.

Each module under ``methods/`` is one family; its functions carry their spec
(``method_spec.rpc``). Adding a family means adding its module to ``METHOD_MODULES``.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

from eth_rpc.method_spec import SPEC_ATTRIBUTE, Method
from eth_rpc.methods import (
    account_state,
    block_access_lists,
    blocks,
    calls,
    chain,
    debug,
    fees,
    fill,
    filters,
    logs,
    node_info,
    proof,
    raw,
    sei,
    simulate,
    subscriptions,
    txpool,
    txs,
)

METHOD_MODULES: tuple[ModuleType, ...] = (
    account_state, block_access_lists, blocks, calls, chain, debug, fees, fill, filters, logs,
    node_info, proof, raw, sei, simulate, subscriptions, txpool, txs,
)


def build_method_table(modules: Iterable[ModuleType] = METHOD_MODULES) -> dict[str, Method]:
    """Name -> method over ``modules``; a name declared twice is an error."""
    table: dict[str, Method] = {}
    for module in modules:
        for value in vars(module).values():
            spec = getattr(value, SPEC_ATTRIBUTE, None)
            if isinstance(spec, Method) and spec.fn is value and value.__module__ == module.__name__:
                if spec.name in table:
                    raise ValueError(f"method {spec.name} declared twice")
                table[spec.name] = spec
    return dict(sorted(table.items()))
