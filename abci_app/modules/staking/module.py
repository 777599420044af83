"""The three module factories (entry points ``staking``, ``distribution``, ``slashing``)."""

from __future__ import annotations

from collections.abc import Sequence

from abci_app.module_api import BlockInfo, Module
from abci_app.modules.staking import bonded, genesis, liveness, messages, queries, rewards, state
from abci_app.modules.staking.precompile_backend import AppDistributionBackend, AppStakingBackend
from evm_bridge.precompiles import distribution as distribution_precompile
from evm_bridge.precompiles import staking as staking_precompile
from ledger.context import BlockContext
from ledger.results import Event, TxResult
from store.api import KVView


def _allocate(ctx: BlockContext, view: KVView, results: Sequence[TxResult], info: BlockInfo) -> list[Event]:
    return [
        Event("rewards", (("validator", operator.hex()), ("commission", str(c)), ("delegators", str(r))))
        for operator, c, r in rewards.allocate(view)
    ]


def staking() -> Module:
    return Module(
        name="staking",
        store_names=(state.STORE,),
        messages=messages.staking_handlers(),
        queries=queries.staking_queries(),
        init_genesis=genesis.init_staking,
        export_genesis=genesis.export_staking,
        end_block=bonded.end_block,
        validator_updates=bonded.validator_updates,
        precompiles={staking_precompile.ADDRESS: staking_precompile.StakingPrecompile(AppStakingBackend())},
    )


def distribution() -> Module:
    return Module(
        name="distribution",
        store_names=(rewards.STORE,),
        messages=messages.distribution_handlers(),
        queries=queries.distribution_queries(),
        init_genesis=genesis.init_distribution,
        export_genesis=genesis.export_distribution,
        end_block=_allocate,
        precompiles={
            distribution_precompile.ADDRESS: distribution_precompile.DistributionPrecompile(AppDistributionBackend())
        },
    )


def slashing() -> Module:
    return Module(
        name="slashing",
        store_names=(liveness.STORE,),
        messages=messages.slashing_handlers(),
        init_genesis=genesis.init_slashing,
        export_genesis=genesis.export_slashing,
        end_block=liveness.end_block,
    )
