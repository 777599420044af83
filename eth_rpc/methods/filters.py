"""Polled filters: eth_newFilter, eth_newBlockFilter, eth_newPendingTransactionFilter,
eth_getFilterChanges, eth_getFilterLogs, eth_uninstallFilter."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import invalid_params
from eth_rpc.method_spec import THREAD, rpc
from eth_rpc.methods.logs import parse_log_filter


def _fid(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("0x") or len(value) > 66:
        raise invalid_params("invalid argument 0: filter id must be a hex string")
    return value.lower()


@rpc("eth_newFilter")
def new_filter(b: Any, params: list) -> str:
    (value,) = P.arity(params, 1, 1)
    flt = parse_log_filter(value)
    if value.get("blockHash") is not None:
        h = b.index.height_of(P.hash32(value["blockHash"], "blockHash"))
        first = last = h if h is not None else b.latest() + 1
        return b.filters.new_logs(flt, first, last)
    first = b.block_number(value.get("fromBlock") or "latest", "fromBlock")
    to = value.get("toBlock")
    last = None if to is None or to in ("latest", "pending", "safe", "finalized") else b.block_number(to, "toBlock")
    return b.filters.new_logs(flt, first, last)


@rpc("eth_newBlockFilter")
def new_block_filter(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    return b.filters.new_blocks()


@rpc("eth_newPendingTransactionFilter")
def new_pending_filter(b: Any, params: list) -> str:
    P.arity(params, 0, 1)
    return b.filters.new_pending()


@rpc("eth_getFilterChanges")
def get_filter_changes(b: Any, params: list) -> list:
    (fid,) = P.arity(params, 1, 1)
    return b.filters.changes(_fid(fid))


@rpc("eth_getFilterLogs", THREAD, timeout="logs")
def get_filter_logs(b: Any, params: list) -> list:
    (fid,) = P.arity(params, 1, 1)
    return b.filters.logs(_fid(fid))


@rpc("eth_uninstallFilter")
def uninstall_filter(b: Any, params: list) -> bool:
    (fid,) = P.arity(params, 1, 1)
    return b.filters.uninstall(_fid(fid))
