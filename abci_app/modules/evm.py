"""The ``evm`` module: genesis (address associations, base fee) and end-of-block EVM upkeep.

EVM txs are not protobuf messages: the app routes raw Ethereum txs straight to
``evm_bridge.execute`` (see ``abci_app.txcodec``). This module owns the ``evm`` store's
genesis and records each block's hash for the BLOCKHASH opcode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ledger import accounts
from ledger.addresses import from_bech32, parse_evm_address
from ledger.context import BlockContext
from ledger.encoding import encode_uint
from ledger.results import Event, TxResult
from store.api import KVView

from ..blockexec import KEY_BASE_FEE, PARAMS
from ..module_api import BlockInfo, Module


def _init_genesis(view: KVView, state: Mapping[str, Any]) -> None:
    fee = int(state.get("base_fee_wei", 0))
    if fee:
        view.set(PARAMS, KEY_BASE_FEE, encode_uint(fee))
    for pair in state.get("associations", []):
        accounts.associate(view, from_bech32(pair["sei_address"]), parse_evm_address(pair["evm_address"]))


def _end_block(ctx: BlockContext, view: KVView, results: Sequence[TxResult], info: BlockInfo) -> Sequence[Event]:
    from evm_bridge.blockhash import record_block_hash

    record_block_hash(view, ctx.height, ctx.block_hash)
    return ()


def module() -> Module:
    return Module(name="evm", store_names=("evm",), init_genesis=_init_genesis, end_block=_end_block)
