"""The block index: Ethereum view of committed blocks, lookups, logs, crash-safe rewrite."""

from __future__ import annotations

import hashlib

import rlp
from eth_hash.auto import keccak
from trie import HexaryTrie

from eth_rpc.index import BlockIndex, Indexer
from eth_rpc.index.kv import RocksKV
from eth_rpc.index.logs import LogFilter, query
from eth_rpc.index.render import _block_size, block_rlp, header_rlp
from eth_rpc.index.roots import EMPTY_ROOT, trie_root
from tests.support import evmchain as ec


def indexed(n: int = 5, kv=None) -> BlockIndex:
    idx = BlockIndex(kv, ec.CHAIN_ID)
    for b in ec.simple_chain(n):
        idx.observe(b)
    return idx


def test_headers_link_and_roots() -> None:
    idx = indexed()
    assert idx.height == 5 and idx.first_height == 1
    h1, h2 = idx.header(1), idx.header(2)
    assert h1["parentHash"] == "0x" + "00" * 32
    assert h2["parentHash"] == h1["hash"]
    assert h1["transactionsRoot"] == "0x" + EMPTY_ROOT.hex()
    t = HexaryTrie({})
    t[rlp.encode(0)] = bytes(ec.simple_chain(2)[1].txs[0])
    assert h2["transactionsRoot"] == "0x" + t.root_hash.hex()
    assert h2["gasUsed"] == hex(30_000) and h2["miner"].lower() == "0x" + "05" * 20
    assert h2["timestamp"] == hex(1_700_000_002)
    assert idx.height_of(ec.simple_chain(2)[1].hash) == 2


def test_tx_and_receipts_with_cumulative_gas_and_native_entries() -> None:
    idx = indexed()
    blocks = ec.simple_chain(5)
    receipts = idx.receipts(3)
    assert [r["cumulativeGasUsed"] for r in receipts] == [hex(30_000), hex(60_000), hex(110_000)]
    assert idx.evm_count(3) == 2
    cosmos_hash = hashlib.sha256(blocks[2].txs[-1]).digest()
    assert idx.receipt(cosmos_hash)["transactionIndex"] == "0x2"
    tx = idx.tx(blocks[4].decoded[1].hash)
    assert tx["blockNumber"] == "0x5" and tx["transactionIndex"] == "0x1" and tx["from"] == ec.SENDER
    logs = [lg for r in idx.receipts(5) for lg in r["logs"]]
    assert [lg["logIndex"] for lg in logs] == ["0x0", "0x1", "0x2", "0x3"]


def test_a_block_written_but_not_yet_the_index_s_height_is_not_found_by_hash() -> None:
    """The index writes a block's rows, then moves its height: in between, a reader (the
    JSON-RPC's thread) finds neither its txs, receipts nor block hash, so a client never
    sees a receipt while "latest" (the height) is still the block before."""
    blocks = ec.simple_chain(5)
    idx = indexed(4)
    tx_hash = blocks[4].decoded[1].hash
    write = idx.kv.write
    seen: list[tuple] = []

    def write_then_look(pairs):
        write(pairs)
        seen.append((idx.height, idx.receipt(tx_hash), idx.tx(tx_hash), idx.height_of(blocks[4].hash)))

    idx.kv.write = write_then_look
    idx.observe(blocks[4])
    assert seen == [(4, None, None, None)]
    assert idx.height == 5 and idx.receipt(tx_hash)["blockNumber"] == "0x5" and idx.height_of(blocks[4].hash) == 5


def test_log_query_by_address_and_topics() -> None:
    idx = indexed()
    token = "0x" + ec.TOKEN.hex()
    everything = query(idx, LogFilter(), 1, 5)
    assert len(everything) == 0 + 1 + 2 + 3 + 4
    assert len(query(idx, LogFilter(frozenset([token])), 4, 5)) == 7
    assert query(idx, LogFilter(frozenset(["0x" + "bb" * 20])), 1, 5) == []
    topic = "0x" + ec.TRANSFER.hex()
    assert len(query(idx, LogFilter(topics=(frozenset([topic]),)), 1, 5)) == 10
    assert query(idx, LogFilter(topics=(None, None, frozenset(["0x" + "00" * 32]))), 1, 5) == []
    assert query(idx, LogFilter(topics=(None, None, None, None)), 1, 5) == []


def test_rocks_reopen_and_replay_is_idempotent(tmp_path) -> None:
    idx = indexed(4, RocksKV(tmp_path))
    before = idx.header(4)
    idx.close()
    again = BlockIndex(RocksKV(tmp_path), ec.CHAIN_ID)
    assert again.height == 4 and again.header(4) == before
    assert again.check_gap(6) == (5, 6)
    again.observe(ec.simple_chain(4)[3])
    assert again.header(4) == before and again.height == 4
    again.close()


def test_state_root_and_mix_hash_definitions() -> None:
    idx = indexed(1)
    h = idx.header(1)
    assert h["stateRoot"] == "0x" + "07" * 32
    assert h["mixHash"] == "0x" + keccak((1).to_bytes(32, "big")).hex()


def test_trie_root_matches_py_trie() -> None:

    for n in (1, 2, 3, 16, 17, 127, 128, 129, 300, 1000):
        items = [bytes([i % 251]) * (1 + i * 7 % 300) for i in range(n)]  # 1-300 bytes: short and long strings
        t = HexaryTrie({})
        for i, item in enumerate(items):
            t[rlp.encode(i)] = item
        assert trie_root(items) == t.root_hash, n


def test_indexer_journals_and_replays_after_a_crash(tmp_path) -> None:

    blocks = ec.simple_chain(4)
    idx = BlockIndex(RocksKV(tmp_path), ec.CHAIN_ID)
    seen: list[int] = []
    idx.add_listener(lambda r: seen.append(r.height))
    indexer = Indexer(idx)
    indexer.start()
    for b in blocks[:2]:
        indexer.observe(b)
    indexer.wait_idle()
    assert idx.height == 2 and seen == [1, 2] and list(idx.kv.scan(b"j")) == []
    indexer.close()
    # a crash right after the observer journaled blocks 3 and 4, before rendering them
    indexer._queue.put = lambda item: None  # type: ignore[method-assign]
    for b in blocks[2:]:
        indexer.observe(b)
    idx.close()
    again = BlockIndex(RocksKV(tmp_path), ec.CHAIN_ID)
    assert again.height == 2
    replayer = Indexer(again)
    replayer.start()
    replayer.close()
    assert again.height == 4 and list(again.kv.scan(b"j")) == []
    assert again.header(4)["parentHash"] == again.header(3)["hash"]
    again.close()


def test_block_rlp_is_pyrlps_and_its_size_the_headers() -> None:
    """``debug_getRawBlock``: rlp([header, txs, uncles, withdrawals]), typed txs as strings
    and legacy ones as lists; the header's ``size`` is its length."""
    idx = indexed()
    header = idx.header(2)
    legacy = rlp.encode([0, 10**9, 21_000, b"\x11" * 20, 5, b"", 27, 1, 2])
    typed = b"\x02" + rlp.encode([1, 2, b"\x33" * 70])
    raws = [legacy, typed, legacy]
    expected = rlp.encode([rlp.decode(header_rlp(header)), [rlp.decode(legacy), typed, rlp.decode(legacy)], [], []])
    assert block_rlp(header, raws) == expected
    assert _block_size(header_rlp(header), raws) == len(expected)


def test_block_tx_hashes_come_from_the_hash_row_and_without_it_from_the_tx_objects() -> None:
    idx = indexed()
    blocks = ec.simple_chain(5)
    expected = ["0x" + tx.hash.hex() for tx in blocks[4].decoded if hasattr(tx, "nonce")]
    assert len(expected) == idx.evm_count(5) == 4
    assert idx.tx_hashes(5) == expected
    idx.kv.write([(b"X" + (5).to_bytes(8, "big"), None)])  # an index written before the row existed
    assert idx.tx_hashes(5) == expected


def test_listeners_get_the_blocks_hashes_and_logs() -> None:
    idx = BlockIndex(None, ec.CHAIN_ID)
    news = []
    idx.add_listener(news.append)
    blocks = ec.simple_chain(5)
    for b in blocks:
        idx.observe(b)
    last = news[-1]
    assert [n.height for n in news] == [1, 2, 3, 4, 5]
    assert last.header == idx.header(5)
    assert last.tx_hashes == [t["hash"] for t in idx.txs(5)]
    assert last.logs == [lg for r in idx.receipts(5) for lg in r["logs"]]
    assert len(last.logs) == 4
