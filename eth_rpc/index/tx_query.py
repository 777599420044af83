"""Parser of CometBFT event queries (``tx_search``), mirroring CometBFT v0.38.17's ``pubsub/query/syntax``.

Grammar: ``query = condition { "AND" condition }`` and ``condition = tag op [arg]``.

* tag: a letter or ``_`` (or a non-ASCII decimal digit) followed by letters, digits, ``.``, ``_``, ``-``;
* op: ``=``, ``<``, ``<=``, ``>``, ``>=``, ``CONTAINS``, ``EXISTS`` (EXISTS takes no argument);
* arg: ``'string'`` (no escapes, anything up to the next quote; only for ``=`` and ``CONTAINS``),
  a number ``digits[.digits]`` (never signed, never an exponent), ``TIME <RFC3339>`` or ``DATE <YYYY-MM-DD>``
  (exactly one space after the keyword, years 1900..2999); numbers, TIME and DATE go with ``=`` and the ranges,
  ``CONTAINS`` only takes a string.

Tokens may be glued together (``a.b=5AND c>1``); whitespace is Go's ``unicode.IsSpace``. Faithful quirk: an
unterminated quoted string after a complete condition ends the query silently, as in CometBFT. The RPC's length
limit (512 bytes) is checked here too.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

MAX_QUERY_LENGTH = 512

TX_HASH = "tx.hash"
TX_HEIGHT = "tx.height"
OPS = ("=", "<", "<=", ">", ">=", "CONTAINS", "EXISTS")
RANGE_OPS = ("<", "<=", ">", ">=")

# Go's unicode.IsSpace (the White_Space property).
GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"

_TIME_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:Z|([+-])([0-9]{2}):([0-9]{2}))"
)
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_KEYWORDS = {"AND": "AND", "EXISTS": "EXISTS", "CONTAINS": "CONTAINS"}
_TOKEN_NAMES = {
    "TAG": "tag", "STRING": "string", "NUMBER": "number", "TIME": "timestamp", "DATE": "datestamp",
    "AND": "AND operator", "CONTAINS": "CONTAINS operator", "EXISTS": "EXISTS operator", "INVALID": "invalid token",
    "=": "= operator", "<": "< operator", "<=": "<= operator", ">": "> operator", ">=": ">= operator",
}


class QueryError(ValueError):
    """The query does not parse (the message says why and at which byte offset)."""


@dataclass(frozen=True)
class Condition:
    """One ``tag op arg`` term; ``text`` is the literal argument as CometBFT keeps it (unquoted; "" for EXISTS).

    ``value``: ``str`` for quoted strings, ``Decimal`` for numbers, a UTC ``datetime`` for TIME/DATE, None for EXISTS.
    """

    tag: str
    op: str
    value: object
    text: str


def parse(query: str) -> list[Condition]:
    """The AND-ed conditions of ``query``; raises QueryError where CometBFT's parser (or RPC) rejects it."""
    if len(query.encode("utf-8", "surrogatepass")) > MAX_QUERY_LENGTH:
        raise QueryError("maximum query length exceeded")
    scanner = _Scanner(query)
    conditions = [_condition(scanner)]
    while scanner.next():
        if scanner.tok != "AND":
            raise QueryError(f"offset {scanner.offset()}: got {_TOKEN_NAMES[scanner.tok]}, want AND operator")
        conditions.append(_condition(scanner))
    return conditions


def by_events(conditions: list[Condition]) -> bool:
    """True when the app's event index must answer: no ``tx.hash`` and some tag other than tx.hash/tx.height."""
    tags = {c.tag for c in conditions}
    return TX_HASH not in tags and bool(tags - {TX_HASH, TX_HEIGHT})


def _condition(scanner: _Scanner) -> Condition:
    _require(scanner, "TAG")
    tag = scanner.text
    _require(scanner, "<=", ">=", "<", ">", "=", "CONTAINS", "EXISTS")
    op = scanner.tok
    if op == "EXISTS":
        return Condition(tag, op, None, "")
    if op == "=":
        _require(scanner, "NUMBER", "TIME", "DATE", "STRING")
    elif op == "CONTAINS":
        _require(scanner, "STRING")
    else:
        _require(scanner, "NUMBER", "TIME", "DATE")
    return Condition(tag, op, scanner.value, scanner.text)


def _require(scanner: _Scanner, *tokens: str) -> None:
    if not scanner.next():
        raise QueryError(f"offset {scanner.offset()}: unexpected end of query")
    if scanner.tok not in tokens:
        names = [_TOKEN_NAMES[t] for t in tokens]
        wanted = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
        raise QueryError(f"offset {scanner.offset()}: got {_TOKEN_NAMES[scanner.tok]}, wanted {wanted}")


def _is_first_tag_char(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or ch.isdecimal()


def _is_tag_char(ch: str) -> bool:
    return ch in "._-" or ch.isalpha() or ch.isdecimal()


class _Scanner:
    """Go's ``syntax.Scanner`` over a str: ``next()`` sets tok/text/value/pos, False at the end of input."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.end = 0
        self.pos = 0
        self.tok = "INVALID"
        self.text = ""
        self.value: object = None

    def offset(self) -> int:
        """Byte offset of the current token (CometBFT reports byte offsets)."""
        return len(self.src[: self.pos].encode("utf-8", "surrogatepass"))

    def next(self) -> bool:
        src, n = self.src, len(self.src)
        i = self.end
        while i < n and src[i] in GO_SPACE:
            i += 1
        self.pos, self.tok, self.text, self.value = i, "INVALID", "", None
        if i == n:
            self.end = i
            return False
        ch = src[i]
        if "0" <= ch <= "9":
            self._number(i)
        elif _is_first_tag_char(ch):
            self._tag_like(i)
        elif ch == "'":
            close = src.find("'", i + 1)
            if close < 0:  # CometBFT's scanner reports io.EOF here: the caller sees the end of the query
                self.end = n
                return False
            self.tok, self.text, self.value, self.end = "STRING", src[i + 1 : close], src[i + 1 : close], close + 1
        elif ch in "<>=":
            op = ch + "=" if ch != "=" and src[i + 1 : i + 2] == "=" else ch
            self.tok, self.text, self.end = op, op, i + len(op)
        else:
            raise QueryError(f"offset {self.offset()}: invalid input {ch!r}")
        return True

    def _number(self, i: int) -> None:
        j = self._digits(i)
        if j < len(self.src) and self.src[j] == ".":
            j = self._digits(j + 1)
        self.tok, self.text, self.end = "NUMBER", self.src[i:j], j
        self.value = Decimal(self.text)

    def _digits(self, j: int) -> int:
        while j < len(self.src) and "0" <= self.src[j] <= "9":
            j += 1
        return j

    def _tag_like(self, i: int) -> None:
        src, j = self.src, i + 1
        while j < len(src) and _is_tag_char(src[j]):
            j += 1
        text, spaced = src[i:j], src[j : j + 1] == " "
        if text == "TIME" and spaced:
            self._stamp(j + 1, "TIME", "-T:+Z0123456789")
        elif text == "DATE" and spaced:
            self._stamp(j + 1, "DATE", "-0123456789")
        else:
            self.tok, self.text, self.value, self.end = _KEYWORDS.get(text, "TAG"), text, None, j

    def _stamp(self, i: int, kind: str, chars: str) -> None:
        j = i
        while j < len(self.src) and self.src[j] in chars:
            j += 1
        text = self.src[i:j]
        moment = _parse_time(text) if kind == "TIME" else _parse_date(text)
        if isinstance(moment, str):
            raise QueryError(f"offset {self.offset()}: invalid {kind} value {text!r}: {moment}")
        self.tok, self.text, self.value, self.end = kind, text, moment, j


def _parse_date(text: str) -> datetime | str:
    """Go's ``time.Parse("2006-01-02")`` and CometBFT's year check: UTC midnight, or why it fails."""
    m = _DATE_RE.fullmatch(text)
    if m is None:
        return "want YYYY-MM-DD"
    y, mo, d = (int(g) for g in m.groups())
    why = _bad_date(y, mo, d)
    return why if why else datetime(y, mo, d, tzinfo=UTC)


def _parse_time(text: str) -> datetime | str:
    """Go's lenient ``time.Parse(time.RFC3339)`` (1-2 digit hour, zone offset hours <= 24, minutes <= 60).

    CometBFT checks the year as written (before conversion to UTC).
    """
    m = _TIME_RE.fullmatch(text)
    if m is None:
        return "want YYYY-MM-DDThh:mm:ss followed by Z or +hh:mm"
    y, mo, d, hh, mi, ss = (int(g) for g in m.groups()[:6])
    why = _bad_date(y, mo, d)
    if why:
        return why
    if hh >= 24 or mi >= 60 or ss >= 60:
        return "hour, minute or second out of range"
    sign, oh, om = m.group(7), int(m.group(8) or 0), int(m.group(9) or 0)
    if oh > 24 or om > 60:
        return "time zone offset out of range"
    offset = timedelta(hours=oh, minutes=om) * (-1 if sign == "-" else 1)
    return datetime(y, mo, d, hh, mi, ss, tzinfo=UTC) - offset


def _bad_date(y: int, mo: int, d: int) -> str:
    if not 1900 <= y <= 2999:
        return f"year {y} out of range"
    if not 1 <= mo <= 12:
        return "month out of range"
    if not 1 <= d <= calendar.monthrange(y, mo)[1]:
        return "day out of range"
    return ""
