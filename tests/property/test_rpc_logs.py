"""eth_getLogs' bloom-skipping query against a naive oracle: every log of every block,
filtered by address and topics with no index tricks."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from eth_rpc.index import BlockIndex
from eth_rpc.index.logs import LogFilter, query
from evm_bridge.api import EvmLog, EvmReceipt
from evm_bridge.receipts import logs_bloom
from ledger.blocks import CommittedBlock
from ledger.results import TxResult

ADDRS = [bytes([i]) * 20 for i in range(1, 4)]
TOPICS = [bytes([i]) * 32 for i in range(1, 5)]

logs_st = st.builds(
    EvmLog, st.sampled_from(ADDRS), st.lists(st.sampled_from(TOPICS), max_size=3).map(tuple), st.just(b"")
)
blocks_st = st.lists(st.lists(st.lists(logs_st, max_size=3), max_size=3), min_size=1, max_size=6)
filter_st = st.builds(
    LogFilter,
    st.frozensets(st.sampled_from(ADDRS).map(lambda a: "0x" + a.hex()), max_size=2),
    st.lists(st.none() | st.frozensets(st.sampled_from(TOPICS).map(lambda t: "0x" + t.hex()), min_size=1, max_size=2),
             max_size=3).map(tuple),
)


def _cosmos_block(height: int, txs_logs: list[list[EvmLog]]) -> CommittedBlock:
    """Blocks of native txs whose results carry EVM-visible logs (no tx decoding needed)."""
    results = []
    for i, logs in enumerate(txs_logs):
        r = EvmReceipt(bytes([height, i]) * 16, 0, 1, 1, tuple(logs), logs_bloom(logs), None, 0, b"\0" * 20, None)
        results.append(TxResult(gas_used=1, evm=r))
    return CommittedBlock(
        height=height, hash=height.to_bytes(32, "big"), time_ns=0, proposer=b"\1" * 20, app_hash=b"\2" * 32,
        txs=tuple(b"\x0a" + bytes([height, i]) for i in range(len(txs_logs))), results=tuple(results),
        gas_limit=10**8, gas_used=len(results), base_fee_wei=1,
    )


def _naive(flt: LogFilter, blocks: list[list[list[EvmLog]]], first: int, last: int) -> list[tuple[int, str, list[str]]]:
    out = []
    for h, txs in enumerate(blocks, start=1):
        if not first <= h <= last:
            continue
        for logs in txs:
            for lg in logs:
                addr, topics = "0x" + lg.address.hex(), ["0x" + t.hex() for t in lg.topics]
                if flt.addresses and addr not in flt.addresses:
                    continue
                if len(flt.topics) > len(topics):
                    continue
                if any(want is not None and topics[i] not in want for i, want in enumerate(flt.topics)):
                    continue
                out.append((h, addr, topics))
    return out


@settings(max_examples=150, deadline=None)
@given(blocks=blocks_st, flt=filter_st, bounds=st.tuples(st.integers(0, 7), st.integers(0, 7)))
def test_query_equals_naive_filter(blocks: list, flt: LogFilter, bounds: tuple[int, int]) -> None:
    idx = BlockIndex()
    for h, txs in enumerate(blocks, start=1):
        idx.observe(_cosmos_block(h, txs))
    first, last = bounds
    got = [(int(lg["blockNumber"], 16), lg["address"].lower(), lg["topics"]) for lg in query(idx, flt, first, last)]
    assert got == _naive(flt, blocks, first, last)
