"""eth_getLogs: block range (at most ``max_log_blocks``) or one block hash, addresses, topics."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import LIMIT_EXCEEDED, RpcError, invalid_params, server_error
from eth_rpc.index.logs import LogFilter, query
from eth_rpc.method_spec import THREAD, rpc


def parse_log_filter(value: Any) -> LogFilter:
    """Addresses and topics of a filter object (lower-case hex, validated)."""
    if not isinstance(value, dict):
        raise invalid_params("invalid argument 0: filter must be an object")
    addrs = value.get("address")
    if addrs is None:
        addresses: frozenset[str] = frozenset()
    elif isinstance(addrs, str):
        addresses = frozenset(["0x" + P.address(addrs).hex()])
    elif isinstance(addrs, list):
        addresses = frozenset("0x" + P.address(a).hex() for a in addrs)
    else:
        raise invalid_params("invalid argument 0: address must be a string or a list")
    topics_v = value.get("topics")
    if topics_v is None:
        topics_v = []
    if not isinstance(topics_v, list) or len(topics_v) > 4:
        raise invalid_params("invalid argument 0: topics must be a list of at most 4 positions")
    topics: list[frozenset[str] | None] = []
    for t in topics_v:
        if t is None or t == []:
            topics.append(None)
        elif isinstance(t, str):
            topics.append(frozenset(["0x" + P.hash32(t, "topic").hex()]))
        elif isinstance(t, list):
            topics.append(None if any(x is None for x in t) else frozenset("0x" + P.hash32(x, "topic").hex() for x in t))
        else:
            raise invalid_params("invalid argument 0: topic must be null, a hash or a list of hashes")
    return LogFilter(addresses, tuple(topics))


def log_range(b: Any, value: dict) -> tuple[int, int]:
    """(first, last) heights of a filter; ``blockHash`` excludes from/to."""
    if value.get("blockHash") is not None:
        if value.get("fromBlock") is not None or value.get("toBlock") is not None:
            raise invalid_params("invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock")
        h = b.index.height_of(P.hash32(value["blockHash"], "blockHash"))
        if h is None:
            raise server_error("unknown block")
        return h, h
    first = b.block_number(value.get("fromBlock") or "latest", "fromBlock")
    last = b.block_number(value.get("toBlock") or "latest", "toBlock")
    return first, last


@rpc("eth_getLogs", THREAD, timeout="logs")
def get_logs(b: Any, params: list) -> list:
    (value,) = P.arity(params, 1, 1)
    flt = parse_log_filter(value)
    first, last = log_range(b, value)
    last = min(last, b.latest())
    if first > last:
        if first > b.latest():
            return []
        raise server_error("invalid block range params")
    if last - first + 1 > b.config.max_log_blocks:
        raise RpcError(LIMIT_EXCEEDED, f"block range too large: {last - first + 1} > {b.config.max_log_blocks} blocks")
    logs = query(b.index, flt, first, last, b.config.max_log_results)
    if len(logs) > b.config.max_log_results:
        raise RpcError(LIMIT_EXCEEDED, f"query returned more than {b.config.max_log_results} results")
    return logs
