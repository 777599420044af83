"""The txs' event index: its rows, and its search checked on hand-built cases and against a brute-force oracle."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from eth_rpc.index.kv import MemoryKV
from eth_rpc.index.tx_events import event_key, event_rows, search
from eth_rpc.index.tx_query import Condition, by_events, parse
from ledger.results import Event


def sha(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()


def tail(height: int, index: int, seq: int) -> bytes:
    return height.to_bytes(8, "big") + index.to_bytes(4, "big") + seq.to_bytes(4, "big")


def test_key_layout() -> None:
    assert event_key("t.a", "v\x00/w", 7, 2, 3) == b"et.a\x00v\x00/w\x00" + tail(7, 2, 3)


def test_rows_skip_what_cometbft_does_not_index() -> None:
    events = [
        [Event("t", (("a", "1"), ("b", "x"))), Event("", (("a", "2"),)), Event("u", (("", "3"), ("a", "v\x00/w")))],
        [Event("tx", (("hash", "h"), ("height", "1"), ("other", "o"))), Event("a\x00b", (("c", "d"),))],
    ]
    assert event_rows(7, [b"tx0", b"tx1"], events, None) == [
        (b"et.a\x001\x00" + tail(7, 0, 0), sha(b"tx0")),
        (b"et.b\x00x\x00" + tail(7, 0, 0), sha(b"tx0")),
        (b"eu.a\x00v\x00/w\x00" + tail(7, 0, 2), sha(b"tx0")),
        (b"etx.other\x00o\x00" + tail(7, 1, 0), sha(b"tx1")),
    ]


def test_rows_only_indexed_attributes() -> None:
    events = [[Event("t", (("a", "1"), ("b", "x"))), Event("u", (("a", "2"),))]]
    assert event_rows(3, [b"tx"], events, frozenset({"t.b", "u.a"})) == [
        (b"et.b\x00x\x00" + tail(3, 0, 0), sha(b"tx")),
        (b"eu.a\x002\x00" + tail(3, 0, 1), sha(b"tx")),
    ]
    assert event_rows(3, [b"tx"], events, frozenset()) == []


def transfer(sender: str, amount: str) -> Event:
    return Event("transfer", (("sender", sender), ("amount", amount)))


# name -> (height, tx index, events)
CHAIN = {
    "A": (1, 0, [transfer("alice", "10"), transfer("bob", "5")]),
    "B": (1, 1, [transfer("alice", "5"), Event("message", (("action", "/cosmos.bank.v1beta1.MsgSend"),))]),
    "C": (2, 0, [transfer("bob", "10"), Event("wasm", (("data", "a\x00b"), ("amount", "2.5")))]),
    "D": (2, 1, [transfer("carol", "abc"), transfer("alice", " 7 ")]),
    "E": (3, 0, [
        transfer("alice", "12345678901234567890123"),
        Event("message", (("action", "/cosmos.bank.v1beta1.MsgSend/x"),)),
        Event("", (("sender", "alice"),)),
        Event("transfer", (("", "nokey"),)),
        Event("block", (("height", "9"),)),
    ]),
}


def chain_kv() -> MemoryKV:
    kv = MemoryKV()
    for height in sorted({h for h, _, _ in CHAIN.values()}):
        txs = sorted((i, name) for name, (h, i, _) in CHAIN.items() if h == height)
        kv.write(event_rows(height, [name.encode() for _, name in txs], [CHAIN[name][2] for _, name in txs], None))
    return kv


SEARCHES = {
    "equality": ("transfer.sender = 'alice'", "ABDE"),
    "same event": ("transfer.sender = 'alice' AND transfer.amount = 10", "A"),
    "not across events": ("transfer.sender = 'bob' AND transfer.amount = 10", "C"),
    "not across events either way": ("transfer.sender = 'alice' AND transfer.amount = 5", "B"),
    "different event types never meet": ("message.action EXISTS AND transfer.sender EXISTS", ""),
    "equality is exact, untrimmed": ("transfer.amount = 7", ""),
    "equality on the number's text": ("transfer.amount = 10.0", ""),
    "equality not a prefix": ("message.action = '/cosmos.bank.v1beta1.MsgSend'", "B"),
    "value with NUL": ("wasm.data = 'a\x00b'", "C"),
    "NUL-prefix is not the value": ("wasm.data = 'a'", ""),
    "exists": ("wasm.data EXISTS", "C"),
    "exists, each tx once": ("transfer.sender EXISTS", "ABCDE"),
    "contains": ("transfer.sender CONTAINS 'o'", "ACD"),
    "contains slash": ("message.action CONTAINS '/x'", "E"),
    "contains empty": ("message.action CONTAINS ''", "BE"),
    "range skips non-numbers, trims": ("transfer.amount > 5", "ACDE"),
    "range both bounds": ("transfer.amount >= 5 AND transfer.amount < 10", "ABD"),
    "range big int": ("transfer.amount > 12345678901234567890122", "E"),
    "range below": ("transfer.amount < 1000", "ABCD"),
    "decimal inclusive": ("wasm.amount >= 2.5", "C"),
    "decimal exclusive": ("wasm.amount > 2.5", ""),
    "decimal window": ("wasm.amount > 2.4 AND wasm.amount <= 2.5", "C"),
    "range with same-event equality": ("transfer.amount > 6 AND transfer.sender = 'alice'", "ADE"),
    "merged: later bound replaces": ("transfer.amount > 5 AND transfer.amount > 9", "ACE"),
    "merged: inclusive stays": ("transfer.amount >= 10 AND transfer.amount > 5", "ABCDE"),
    "merged: one value in both bounds": ("transfer.amount > 7 AND transfer.amount < 7", ""),
    "time bound matches nothing": ("transfer.amount > TIME 2020-01-01T00:00:00Z", ""),
    "time bound on a merged range": ("transfer.amount > 5 AND transfer.amount < DATE 2020-01-01", ""),
    "height equality": ("tx.height = 1 AND transfer.sender = 'alice'", "AB"),
    "height equality as a string": ("tx.height = '2' AND transfer.sender = 'alice'", "D"),
    "height equality truncated": ("tx.height = 2.9 AND transfer.sender = 'alice'", "D"),
    "height zero restricts nothing": ("tx.height = 0 AND wasm.data EXISTS", "C"),
    "first height equality wins": ("tx.height = 2 AND tx.height = 1 AND transfer.sender = 'alice'", "D"),
    "height range": ("tx.height > 1 AND transfer.sender = 'alice'", "DE"),
    "height window": ("tx.height >= 2 AND tx.height <= 2 AND transfer.amount EXISTS", "CD"),
    "height range with a range": ("tx.height < 3 AND transfer.amount > 5", "ACD"),
    "height range drops height equality": ("tx.height = 1 AND tx.height > 2 AND transfer.sender = 'alice'", "E"),
    "height time bound": ("tx.height > DATE 2020-01-01 AND transfer.sender = 'alice'", ""),
    "tx.height EXISTS matches no event": ("tx.height EXISTS AND transfer.sender = 'alice'", ""),
    "block.height is an event tag": ("block.height > 2", "E"),
    "block.height range restricts heights": ("block.height > 5", ""),
    "empty type not indexed": ("transfer.sender = 'alice' AND tx.height = 3", "E"),
    "empty key not indexed": ("transfer. = 'nokey'", ""),
    "unknown tag": ("nothing.here EXISTS", ""),
    "empty intersection stops": ("wasm.data = 'zzz' AND transfer.sender EXISTS", ""),
}


@pytest.mark.parametrize(("query", "names"), SEARCHES.values(), ids=SEARCHES.keys())
def test_search(query: str, names: str) -> None:
    expected = [(CHAIN[x][0], CHAIN[x][1], sha(x.encode())) for x in names]
    assert search(chain_kv(), parse(query)) == expected


def test_search_only_indexed() -> None:
    kv = MemoryKV()
    kv.write(event_rows(4, [b"F"], [[transfer("dave", "1")]], frozenset({"transfer.sender"})))
    assert search(kv, parse("transfer.sender = 'dave'")) == [(4, 0, sha(b"F"))]
    assert search(kv, parse("transfer.amount EXISTS")) == []


def test_search_same_tx_at_two_heights_reported_once() -> None:
    kv = MemoryKV()
    kv.write(event_rows(4, [b"dup"], [[transfer("dave", "1")]], None))
    kv.write(event_rows(6, [b"other", b"dup"], [[], [transfer("dave", "2")]], None))
    assert search(kv, parse("transfer.sender = 'dave'")) == [(6, 1, sha(b"dup"))]
    assert search(kv, parse("transfer.amount < 2")) == [(4, 0, sha(b"dup"))]


@pytest.mark.parametrize("query", ["tx.height = 5", "tx.hash = 'AB' AND a.b = 'x'", "tx.height > 1"])
def test_search_refuses_hash_or_height_queries(query: str) -> None:
    with pytest.raises(ValueError, match="not an event query"):
        search(MemoryKV(), parse(query))


# --- property: search == a brute-force oracle over every tx and event ---

TYPES, KEYS = ["t", "t", "u", ""], ["a", "a", "b", ""]
VALUES = ["1", "2", "10", "2.5", " 3", "x", "a\x00b", "1/2", ""]
NUMBERS = ["0", "1", "2", "2.5", "3", "10"]

attribute = st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES))
event = st.builds(lambda t, attrs: Event(t, tuple(attrs)), st.sampled_from(TYPES), st.lists(attribute, min_size=1, max_size=3))
block = st.lists(st.lists(event, min_size=1, max_size=3), min_size=1, max_size=3)  # txs' events
chain = st.dictionaries(st.integers(1, 5), block, min_size=1, max_size=3)

tag = st.sampled_from(["t.a", "t.b", "t.a", "t.b", "u.a", "tx.height"])
condition = st.one_of(
    st.tuples(tag, st.just("="), st.sampled_from([f"'{v}'" for v in VALUES] + NUMBERS)),
    st.tuples(tag, st.sampled_from(["<", "<=", ">", ">="]), st.sampled_from(NUMBERS)),
    st.tuples(tag, st.just("CONTAINS"), st.sampled_from(["'a'", "'1'", "''", "'/'", "' '"])),
    st.tuples(tag, st.just("EXISTS"), st.just("")),
)
query = st.lists(condition, min_size=1, max_size=3).map(lambda cs: " AND ".join(" ".join(c).strip() for c in cs))


def number(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        return None


def merged_ranges(conditions: list[Condition]) -> dict[str, tuple]:
    """Per tag: (lower, lower inclusive, upper, upper inclusive); a later bound replaces, inclusive is sticky."""
    out: dict[str, tuple] = {}
    for c in conditions:
        if c.op in ("<", "<=", ">", ">="):
            lo, lo_inc, hi, hi_inc = out.get(c.tag, (None, False, None, False))
            if c.op in (">", ">="):
                lo, lo_inc = c.value, lo_inc or c.op == ">="
            else:
                hi, hi_inc = c.value, hi_inc or c.op == "<="
            out[c.tag] = (lo, lo_inc, hi, hi_inc)
    return out


def within(v: Decimal, bounds: tuple) -> bool:
    lo, lo_inc, hi, hi_inc = bounds
    return (lo is None or v > lo or (lo_inc and v == lo)) and (hi is None or v < hi or (hi_inc and v == hi))


def height_of(c: Condition) -> int | None:
    """A ``tx.height =`` argument as a height (truncated), None when it is not a number."""
    return int(Decimal(c.text)) if re.fullmatch(r"[0-9]+(\.[0-9]*)?", c.text) else None


def some(attrs: list[tuple[str, str]], tag: str, test: Callable[[str], bool]) -> bool:
    return any(t == tag and test(v) for t, v in attrs)


def holds(c: Condition, value: str) -> bool:
    if c.op == "=":
        return value == c.text
    if c.op == "CONTAINS":
        return c.text in value.strip()
    return c.op == "EXISTS"


def oracle(blocks: dict[int, list[list[Event]]], conditions: list[Condition]) -> list[tuple[int, int, bytes]]:
    heights = [c for c in conditions if c.tag == "tx.height"]
    others = [c for c in conditions if c.tag != "tx.height"]
    if any(c.op in ("EXISTS", "CONTAINS") for c in heights):
        return []
    height_bounds = merged_ranges(heights).get("tx.height")
    eq = next((h for c in heights if c.op == "=" and (h := height_of(c)) is not None), 0) if height_bounds is None else 0
    ranges = merged_ranges(others)
    plain = [c for c in others if c.op not in ("<", "<=", ">", ">=")]
    found = []
    for h, txs in blocks.items():
        if (height_bounds and not within(Decimal(h), height_bounds)) or (eq and h != eq):
            continue
        for i, events in enumerate(txs):
            for ev in events:
                if not ev.type:
                    continue
                attrs = [(f"{ev.type}.{k}", v) for k, v in ev.attributes if k]
                if all(some(attrs, c.tag, lambda v, c=c: holds(c, v)) for c in plain) and all(
                    some(attrs, t, lambda v, b=b: (n := number(v)) is not None and within(n, b))
                    for t, b in ranges.items()
                ):
                    found.append((h, i, sha(f"{h}/{i}".encode())))
                    break
    return sorted(found)


@settings(max_examples=200, deadline=None)
@given(chain, query)
def test_search_matches_oracle(blocks: dict[int, list[list[Event]]], q: str) -> None:
    conditions = parse(q)
    assume(by_events(conditions))
    kv = MemoryKV()
    for h in sorted(blocks):
        kv.write(event_rows(h, [f"{h}/{i}".encode() for i in range(len(blocks[h]))], blocks[h], None))
    assert search(kv, conditions) == oracle(blocks, conditions)
