"""The tx_search query parser: CometBFT v0.38.17's syntax, its values and its rejections."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from eth_rpc.index.tx_query import MAX_QUERY_LENGTH, Condition, QueryError, by_events, parse


def s(tag: str, op: str, text: str) -> Condition:
    return Condition(tag, op, text, text)


def n(tag: str, op: str, text: str) -> Condition:
    return Condition(tag, op, Decimal(text), text)


def t(tag: str, op: str, text: str, *utc: int) -> Condition:
    return Condition(tag, op, datetime(*utc, tzinfo=UTC), text)


ACCEPTED = {
    "string": ("a.b = 'x'", [s("a.b", "=", "x")]),
    "string with spaces and AND": ("a.b = 'x AND y = 1'", [s("a.b", "=", "x AND y = 1")]),
    "empty string": ("a.b = ''", [s("a.b", "=", "")]),
    "string with NUL, slash, unicode": ("a.b = '\x00/é\"'", [s("a.b", "=", "\x00/é\"")]),
    "int": ("tx.height = 5", [n("tx.height", "=", "5")]),
    "leading zeros": ("a.b = 007", [n("a.b", "=", "007")]),
    "decimal keeps its text": ("a.b >= 1.50", [n("a.b", ">=", "1.50")]),
    "trailing dot": ("a.b < 5.", [n("a.b", "<", "5.")]),
    "big int": ("a.b > 123456789012345678901234567890", [n("a.b", ">", "123456789012345678901234567890")]),
    "every operator": (
        "a.b = 'x' AND a.b < 1 AND a.b <= 2 AND a.b > 3 AND a.b >= 4 AND a.b CONTAINS 'y' AND a.b EXISTS",
        [s("a.b", "=", "x"), n("a.b", "<", "1"), n("a.b", "<=", "2"), n("a.b", ">", "3"), n("a.b", ">=", "4"),
         s("a.b", "CONTAINS", "y"), Condition("a.b", "EXISTS", None, "")],
    ),
    "time utc": ("a.b > TIME 2013-05-03T14:45:00Z", [t("a.b", ">", "2013-05-03T14:45:00Z", 2013, 5, 3, 14, 45)]),
    "time offset": (
        "a.b <= TIME 2013-05-03T14:45:00+05:30", [t("a.b", "<=", "2013-05-03T14:45:00+05:30", 2013, 5, 3, 9, 15)]
    ),
    "time one-digit hour": ("a.b = TIME 2020-01-01T1:02:03Z", [t("a.b", "=", "2020-01-01T1:02:03Z", 2020, 1, 1, 1, 2, 3)]),
    "time year checked as written": (
        "a.b < TIME 1900-01-01T00:30:00+01:00", [t("a.b", "<", "1900-01-01T00:30:00+01:00", 1899, 12, 31, 23, 30)]
    ),
    "time offset 24:60 (Go allows it)": (
        "a.b < TIME 2020-01-01T00:00:00-24:60", [t("a.b", "<", "2020-01-01T00:00:00-24:60", 2020, 1, 2, 1, 0)]
    ),
    "date": ("a.b >= DATE 2017-01-01", [t("a.b", ">=", "2017-01-01", 2017, 1, 1)]),
    "date equality": ("a.b = DATE 2020-02-29", [t("a.b", "=", "2020-02-29", 2020, 2, 29)]),
    "whitespace": (" \t a.b\n=\r'x'\u00a0AND\u3000c.d   EXISTS  ", [s("a.b", "=", "x"), Condition("c.d", "EXISTS", None, "")]),
    "glued tokens": ("a.b=5AND c.d>=1.5AND e.f<=2", [n("a.b", "=", "5"), n("c.d", ">=", "1.5"), n("e.f", "<=", "2")]),
    "tag characters": ("_x-y.z_1 EXISTS AND é.ü = 'v'", [Condition("_x-y.z_1", "EXISTS", None, ""), s("é.ü", "=", "v")]),
    "TIME as a tag when glued": ("TIME='x'", [s("TIME", "=", "x")]),
    "keyword prefix is a tag": ("ANDx CONTAINS 'a'", [s("ANDx", "CONTAINS", "a")]),
    "trailing unterminated string is ignored (as CometBFT)": ("a.b = 'x' 'oops", [s("a.b", "=", "x")]),
    "maximum length": ("a.b = '" + "x" * (MAX_QUERY_LENGTH - 8) + "'", [s("a.b", "=", "x" * (MAX_QUERY_LENGTH - 8))]),
}

REJECTED = {
    "empty": "",
    "blank": " \t ",
    "tag only": "a.b",
    "no value": "a.b =",
    "tag as value": "a.b = c",
    "double =": "a.b == 'x'",
    "=>": "a.b => 1",
    "!=": "a.b != 1",
    "string in a range": "a.b < 'x'",
    "number with CONTAINS": "a.b CONTAINS 5",
    "time with CONTAINS": "a.b CONTAINS TIME 2020-01-01T00:00:00Z",
    "value after EXISTS": "a.b EXISTS 5",
    "unterminated string": "a.b = 'x",
    "negative number": "a.b > -5",
    "leading dot": "a.b = .5",
    "exponent": "a.b = 1e3",
    "two dots": "a.b = 5.5.5",
    "missing AND": "a.b = 5 c.d = 1",
    "lowercase and": "a.b = 5 and c.d = 1",
    "OR": "a.b = 5 OR c.d = 1",
    "dangling AND": "a.b = 5 AND",
    "AND AND": "a.b = 5 AND AND c.d = 1",
    "keyword as tag": "AND = 1",
    "number as tag": "1a = 2",
    "parentheses": "(a.b = 1)",
    "double quotes": 'a.b = "x"',
    "escaped quote": "a.b = 'it''s'",
    "time without clock": "a.b = TIME 2020-01-01",
    "time two spaces": "a.b = TIME  2020-01-01T00:00:00Z",
    "time tab": "a.b = TIME\t2020-01-01T00:00:00Z",
    "time fraction": "a.b = TIME 2020-01-01T00:00:00.5Z",
    "time no zone": "a.b = TIME 2020-01-01T00:00:00",
    "time bad day": "a.b = TIME 2020-02-30T00:00:00Z",
    "time hour 24": "a.b = TIME 2020-01-01T24:00:00Z",
    "time second 60": "a.b = TIME 2020-01-01T23:59:60Z",
    "time offset hour 25": "a.b = TIME 2020-01-01T00:00:00+25:00",
    "time offset minute 61": "a.b = TIME 2020-01-01T00:00:00+00:61",
    "time offset without colon": "a.b = TIME 2020-01-01T00:00:00+0000",
    "time lowercase z": "a.b = TIME 2020-01-01T00:00:00z",
    "time year 1899": "a.b = TIME 1899-12-31T23:59:59Z",
    "time year 3000": "a.b = TIME 3000-01-01T00:00:00Z",
    "date one-digit month": "a.b = DATE 2020-1-01",
    "date not leap": "a.b = DATE 2021-02-29",
    "date year 1899": "a.b = DATE 1899-12-31",
    "date with clock": "a.b = DATE 2020-01-01T00:00:00Z",
    "TIME tag then space": "TIME = 1",
    "too long": "a.b = '" + "x" * (MAX_QUERY_LENGTH - 7) + "'",
    "too long in bytes": "a.b = '" + "é" * 253 + "'",
}


@pytest.mark.parametrize(("query", "expected"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_parse(query: str, expected: list[Condition]) -> None:
    assert parse(query) == expected


@pytest.mark.parametrize("query", REJECTED.values(), ids=REJECTED.keys())
def test_rejects(query: str) -> None:
    with pytest.raises(QueryError):
        parse(query)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a.b = 'x' c.d", "offset 10: got tag, want AND operator"),
        ("a.b < 'x'", "offset 6: got string, wanted number, timestamp or datestamp"),
        ("a.b ! 1", "offset 4: invalid input '!'"),
        ("", "offset 0: unexpected end of query"),
        ("é.b = x", "offset 7: got tag, wanted number, timestamp, datestamp or string"),
        ("a.b = TIME 1899-12-31T23:59:59Z", "offset 6: invalid TIME value '1899-12-31T23:59:59Z': year 1899 out of range"),
        ("x" * (MAX_QUERY_LENGTH + 1), "maximum query length exceeded"),
    ],
)
def test_error_says_why_and_where(query: str, message: str) -> None:
    with pytest.raises(QueryError) as err:
        parse(query)
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a.b = 'x'", True),
        ("block.height > 5", True),
        ("tx.height = 5 AND a.b EXISTS", True),
        ("tx.height > 1 AND tx.height < 9 AND a.b CONTAINS 'x'", True),
        ("tx.hash = 'AB'", False),
        ("tx.hash = 'AB' AND a.b = 'x'", False),
        ("a.b = 'x' AND tx.hash = 'AB'", False),
        ("tx.height = 5", False),
        ("tx.height > 1 AND tx.height <= 9", False),
    ],
)
def test_by_events(query: str, expected: bool) -> None:
    assert by_events(parse(query)) is expected
