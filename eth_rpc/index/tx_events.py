"""The txs' event attributes for ``tx_search``: index rows and the search, as CometBFT v0.38.17's kv tx indexer.

Layout (one row per indexed attribute of each event occurrence)::

    b"e" + tag + b"\\0" + value + b"\\0" + height (8, big-endian) + tx index (4) + event seq (4)  ->  tx hash (32)

``tag`` is ``"<event type>.<attribute key>"`` (UTF-8, never containing ``\\0``), ``value`` the attribute's value
(UTF-8, may contain ``\\0`` or ``/``: it is always read back as the bytes between the tag's separator and the
17-byte tail), ``event seq`` the event's position among the tx's events. Not indexed: events with an empty type,
attributes with an empty key, the reserved tags ``tx.hash`` / ``tx.height``, attributes outside ``indexed``.

Search semantics (CometBFT's ``TxIndex.Search``, for queries ``tx_query.by_events`` accepts):

* each condition yields the set of event occurrences (height, tx index, event seq) it holds for; the query's
  matches are their intersection, so AND-ed conditions must hold within one event occurrence; an empty set ends
  the search;
* ``=`` compares the argument's literal text with the value exactly (numbers too: ``5`` does not match ``5.0``);
  ``CONTAINS`` is a substring test and ranges compare numbers, both on the value trimmed of Go whitespace;
  ``EXISTS`` holds for any value;
* ranges on one tag are merged into one range (``LookForRangesWithHeight``: a later bound of a side replaces the
  earlier one, an inclusive bound stays inclusive); values that are not Go numbers (``big.Int`` or
  ``big.ParseFloat`` at 125 bits) are skipped; a range with a TIME/DATE bound matches nothing (CometBFT does not
  compare times for txs);
* heights: ranges on ``tx.height`` or ``block.height`` make one height range (a new tag restarts it) that
  restricts every condition to the keys' heights; ``tx.height =`` conditions are dropped when any other condition
  is on ``tx.height``, else the first that reads as a number (truncated to int64; 0: none) restricts every
  condition to that height, or only the ``=`` ones when there is a height range (on ``block.height``);
  ``EXISTS`` / ``CONTAINS`` on ``tx.height`` match no event, so the query matches nothing;
* each tx is reported once (a hash matched at several heights: its latest matched position).
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from eth_rpc.index.kv import IndexKV
from eth_rpc.index.tx_query import GO_SPACE, RANGE_OPS, TX_HASH, TX_HEIGHT, Condition, by_events
from ledger.results import Event

PREFIX = b"e"
SEP = b"\x00"
TAIL = 16  # height (8) + tx index (4) + event seq (4)
BLOCK_HEIGHT = "block.height"

_INT_RE = re.compile(r"[+-]?[0-9]+")
_FLOAT_RE = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:([eEpP])([+-]?[0-9]+))?")
_PREC, _POW5_PREC = 125, 125 + 64
_MIN_EXP, _MAX_EXP = -(2**31), 2**31 - 1
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
# Beyond 2**±_CLAMP_BITS a value compares with every query bound (< 10**512) as +-inf or as the smallest nonzero.
_CLAMP_BITS = 4000

Number = Fraction | float  # float only for +-inf
Occurrence = tuple[int, int, int]  # (height, tx index, event seq)
# A positive binary float: (m, e) is m * 2**e; "inf" and "zero" are Go's overflow and underflow.
_Float = tuple[int, int] | str


@dataclass(frozen=True)
class EventIndexing:
    """Which event attributes the node indexes: ``only`` the ``"type.key"`` tags listed (None: all)."""

    only: frozenset[str] | None = None


def event_key(tag: str, value: str, height: int, tx_index: int, event_seq: int) -> bytes:
    """The row key of one attribute value of one event occurrence."""
    tail = height.to_bytes(8, "big") + tx_index.to_bytes(4, "big") + event_seq.to_bytes(4, "big")
    return PREFIX + tag.encode() + SEP + value.encode() + SEP + tail


def event_rows(
    height: int, txs: Sequence[bytes], events: Sequence[Sequence[Event]], indexed: frozenset[str] | None
) -> list[tuple[bytes, bytes]]:
    """The index rows of the events of a block's ``txs`` (``events[i]``: those of ``txs[i]``)."""
    rows: list[tuple[bytes, bytes]] = []
    for tx_index, (raw, tx_events) in enumerate(zip(txs, events, strict=True)):
        tx_hash = hashlib.sha256(raw).digest()
        for seq, event in enumerate(tx_events):
            if not event.type:
                continue
            for key, value in event.attributes:
                tag = f"{event.type}.{key}"
                if not key or tag in (TX_HASH, TX_HEIGHT) or "\x00" in tag:
                    continue
                if indexed is None or tag in indexed:
                    rows.append((event_key(tag, value, height, tx_index, seq), tx_hash))
    return rows


def search(kv: IndexKV, conditions: list[Condition]) -> list[tuple[int, int, bytes]]:
    """The txs matching ``conditions`` as (height, tx index, hash), each once, by (height, index)."""
    if not by_events(conditions):
        raise ValueError("not an event query: tx.hash / tx.height conditions only go to CometBFT")
    conditions, height = _dedup_height(conditions)
    ranges, height_range = _ranges(conditions)
    heights = _Heights(height, height_range)
    matched: dict[Occurrence, bytes] | None = None
    steps: list[_Range | Condition] = [r for r in ranges if r.tag != TX_HEIGHT]
    steps += [c for c in conditions if c.op not in RANGE_OPS]
    for step in steps:
        found = _match_range(kv, step, heights) if isinstance(step, _Range) else _match(kv, step, heights)
        matched = found if matched is None else {k: v for k, v in matched.items() if k in found}
        if not matched:
            return []
    latest: dict[bytes, tuple[int, int]] = {}
    for (h, i, _), tx_hash in (matched or {}).items():
        latest[tx_hash] = max(latest.get(tx_hash, (h, i)), (h, i))
    return sorted((h, i, tx_hash) for tx_hash, (h, i) in latest.items())


@dataclass
class _Range:
    """Merged range conditions on one tag (CometBFT's ``QueryRange``)."""

    tag: str
    lower: Number | datetime | None = None
    upper: Number | datetime | None = None
    include_lower: bool = False
    include_upper: bool = False

    def add(self, c: Condition) -> None:
        bound = c.value if isinstance(c.value, datetime) else go_number(c.text)
        if c.op in (">", ">="):
            self.lower, self.include_lower = bound, self.include_lower or c.op == ">="
        else:
            self.upper, self.include_upper = bound, self.include_upper or c.op == "<="

    def holds(self, v: Number) -> bool:
        """Whether ``v`` is within the bounds (never with a TIME/DATE bound: CometBFT fails those)."""
        if isinstance(self.lower, datetime) or isinstance(self.upper, datetime):
            return False
        if self.lower is not None and (v < self.lower or (v == self.lower and not self.include_lower)):
            return False
        return self.upper is None or not (v > self.upper or (v == self.upper and not self.include_upper))


@dataclass(frozen=True)
class _Heights:
    """The height restrictions: ``tx.height =`` (0: none) and the height range (CometBFT's ``HeightInfo``)."""

    height: int
    height_range: _Range | None

    def admit(self, h: int) -> bool:
        """CometBFT's ``checkHeightConditions``: the range if any, else the height."""
        if self.height_range is not None:
            return self.height_range.holds(Fraction(h))
        return self.height == 0 or h == self.height


def _dedup_height(conditions: list[Condition]) -> tuple[list[Condition], int]:
    """CometBFT's ``dedupHeight``: the conditions left to match and the height of ``tx.height =`` (0: none)."""
    others: list[Condition] = []
    height, found, height_range = 0, False, False
    for c in conditions:
        if c.tag != TX_HEIGHT:
            others.append(c)
        elif c.op != "=":
            height_range = True
            others.append(c)
        elif not (height_range or found):
            n = go_number(c.text)
            if n is not None:
                height, found = _int64(n), True
    return others, 0 if height_range else height


def _ranges(conditions: list[Condition]) -> tuple[list[_Range], _Range | None]:
    """CometBFT's ``LookForRangesWithHeight``: one merged range per tag, and the height range."""
    ranges: dict[str, _Range] = {}
    height_range: _Range | None = None
    for c in conditions:
        if c.op not in RANGE_OPS:
            continue
        is_height = c.tag in (TX_HEIGHT, BLOCK_HEIGHT)
        if c.tag not in ranges:
            ranges[c.tag] = _Range(c.tag)
            if is_height:
                height_range = _Range(c.tag)
        ranges[c.tag].add(c)
        if is_height and height_range is not None:
            height_range.add(c)
    return list(ranges.values()), height_range


def _rows(kv: IndexKV, prefix: bytes) -> Iterator[tuple[Occurrence, bytes, bytes]]:
    """The rows under ``prefix``: (occurrence, value after the tag, tx hash)."""
    start = prefix.index(SEP) + 1
    for key, tx_hash in kv.scan(prefix):
        tail = key[-TAIL:]
        occurrence = (int.from_bytes(tail[:8], "big"), int.from_bytes(tail[8:12], "big"), int.from_bytes(tail[12:], "big"))
        yield occurrence, key[start : -TAIL - 1], tx_hash


def _match(kv: IndexKV, c: Condition, heights: _Heights) -> dict[Occurrence, bytes]:
    tag_prefix = PREFIX + c.tag.encode() + SEP
    if c.op == "=":
        wanted = c.text.encode()
        prefix = tag_prefix + wanted + SEP
        if heights.height > 0:  # CometBFT's start key holds the height even with a height range
            prefix += heights.height.to_bytes(8, "big")
        rows = (r for r in _rows(kv, prefix) if r[1] == wanted and (heights.height <= 0 or r[0][0] == heights.height))
    elif c.op == "CONTAINS":
        needle = c.text.encode()
        rows = (r for r in _rows(kv, tag_prefix) if needle in _go_trim(r[1]))
    else:  # EXISTS
        rows = _rows(kv, tag_prefix)
    return {occ: tx_hash for occ, _, tx_hash in rows if heights.admit(occ[0])}


def _match_range(kv: IndexKV, r: _Range, heights: _Heights) -> dict[Occurrence, bytes]:
    found: dict[Occurrence, bytes] = {}
    if isinstance(r.lower if r.lower is not None else r.upper, datetime):
        return found
    for occ, value, tx_hash in _rows(kv, PREFIX + r.tag.encode() + SEP):
        n = go_number(_go_trim(value).decode("utf-8", "surrogateescape"))
        if n is not None and heights.admit(occ[0]) and r.holds(n):
            found[occ] = tx_hash
    return found


def _go_trim(value: bytes) -> bytes:
    """Go's ``bytes.TrimSpace``."""
    return value.decode("utf-8", "surrogateescape").strip(GO_SPACE).encode("utf-8", "surrogateescape")


def _int64(n: Number) -> int:
    """Go's ``big.Float.Int64``: truncated toward zero, saturated."""
    if isinstance(n, float):
        return _INT64_MAX if n > 0 else _INT64_MIN
    return max(_INT64_MIN, min(_INT64_MAX, math.trunc(n)))


def go_number(text: str) -> Number | None:
    """``text`` as CometBFT reads a number: a ``big.Int`` (exact), else ``big.ParseFloat(text, 10, 125)``.

    None when neither parses. Float results are rounded exactly as Go rounds them (its 189-bit powers of 5 included);
    magnitudes beyond 2**±4000 are clamped (same order against any query bound), Go's overflow gives +-inf.
    """
    if _INT_RE.fullmatch(text):
        return Fraction(int(Decimal(text)))
    if text in ("Inf", "inf", "+Inf", "+inf", "-Inf", "-inf"):
        return -math.inf if text[0] == "-" else math.inf
    m = _FLOAT_RE.fullmatch(text)
    if m is None or not (m.group(2) or m.group(3)):
        return None
    sign, whole, frac, ebase, exp_text = m.groups()
    if exp_text and len(exp_text.lstrip("+-").lstrip("0")) > 19:
        return None  # beyond int64
    exp = int(exp_text) if exp_text else 0
    if not _INT64_MIN <= exp <= _INT64_MAX:
        return None
    mant = int(Decimal((whole or "") + (frac or "") or "0"))
    if mant == 0:
        return Fraction(0)
    d = -len(frac or "")
    exp2 = mant.bit_length() + d + exp
    exp5 = d + (exp if ebase in ("e", "E", None) else 0)
    if not _MIN_EXP <= exp2 <= _MAX_EXP:
        return None
    x: _Float = (mant, exp2 - mant.bit_length())
    if exp5 == 0:
        x = _round(mant, exp2 - mant.bit_length(), _PREC)
    elif exp5 > 0:
        x = _mul(x, _pow5(exp5), _PREC)
    else:
        x = _quo(x, _pow5(-exp5), _PREC)
    value = _to_number(x)
    return -value if sign == "-" else value



def _round(m: int, e: int, prec: int, sticky: bool = False) -> _Float:
    """m * 2**e rounded half to even to ``prec`` bits (``sticky``: more nonzero bits below m)."""
    bits = m.bit_length()
    if bits > prec:
        s = bits - prec
        low, m, e = m & ((1 << s) - 1), m >> s, e + s
        half = 1 << (s - 1)
        if low > half or (low == half and (sticky or m & 1)):
            m += 1
            if m.bit_length() > prec:
                m, e = m >> 1, e + 1
    if e + m.bit_length() > _MAX_EXP:
        return "inf"
    return "zero" if e + m.bit_length() < _MIN_EXP else (m, e)


def _mul(x: _Float, y: _Float, prec: int) -> _Float:
    if isinstance(x, str) or isinstance(y, str):
        return "inf" if "inf" in (x, y) else "zero"
    return _round(x[0] * y[0], x[1] + y[1], prec)


def _quo(x: _Float, y: _Float, prec: int) -> _Float:
    if isinstance(y, str) or isinstance(x, str):
        return "zero" if y == "inf" or x == "zero" else "inf"
    shift = max(0, prec + 2 + y[0].bit_length() - x[0].bit_length())
    q, r = divmod(x[0] << shift, y[0])
    return _round(q, x[1] - shift - y[1], prec, r != 0)


def _pow5(n: int) -> _Float:
    """Go's ``Float.pow5`` at 189 bits (exact up to 5**27, then squarings at 253 bits)."""
    if n <= 27:
        return (5**n, 0)
    z: _Float = (5**27, 0)
    f: _Float = (5, 0)
    n -= 27
    while n > 0:
        if n & 1:
            z = _mul(z, f, _POW5_PREC)
        f = _mul(f, f, _POW5_PREC + 64)
        n >>= 1
    return z


def _to_number(x: _Float) -> Number:
    if x == "inf":
        return math.inf
    if x == "zero":
        return Fraction(0)
    m, e = x  # type: ignore[misc]
    if e + m.bit_length() > _CLAMP_BITS:
        return math.inf
    if e + m.bit_length() < -_CLAMP_BITS:
        return Fraction(1, 2**_CLAMP_BITS)
    return Fraction(m * 2**e) if e >= 0 else Fraction(m, 2**-e)
