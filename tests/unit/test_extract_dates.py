"""Dates: ISO 8601 at the source's precision; impossible or implausible dates rejected."""

from __future__ import annotations

import datetime as dt

import pytest

from indexer.extract.dates import (
    date_from_text,
    date_from_url,
    extract_date,
    parse_date,
    parse_reuters_date,
)

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7:42 PM, March 28, 2019", "2019-03-28T19:42"),
        ("Published 7:42 PM, March 28, 2019", "2019-03-28T19:42"),
        ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01"),
        (" 5-MAR-1987 09:10:11.00 noise", "1987-03-05T09:10:11"),
        ("2019-03-28", "2019-03-28"),
        ("2024-05-01T10:00:00+02:00", "2024-05-01T10:00:00+02:00"),
        ("2024-05-01T10:00Z", "2024-05-01T10:00+00:00"),
        ("2024-05-01 10:00:30", "2024-05-01T10:00:30"),
        ("Thu, 28 Mar 2019 19:42:00 GMT", "2019-03-28T19:42:00+00:00"),
        ("March 28, 2019 10:00 EST", "2019-03-28T10:00-05:00"),
        ("28 March 2019", "2019-03-28"),
        ("10:00 XYZ March 3, 2019", "2019-03-03T10:00"),  # unknown zone: naive, no warning
    ],
)
def test_parse_date(raw: str, expected: str) -> None:
    assert parse_date(raw, today=TODAY) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "garbage",
        "Thursday",
        "March 28",  # no year: not a date we can show
        "1987",  # a year alone
        "Feb 30, 2019",
        "30-FEB-1987 10:00:00.00",
        "March 28, 3000",
        "2028-01-01",  # beyond next year
        "March 3, 1700",
        "31/31/2019",
        "x" * 10_000,
        "\x00\x01\x02",
        "二〇一九年三月二十八日",
    ],
)
def test_parse_date_rejects(raw: str | None) -> None:
    assert parse_date(raw, today=TODAY) is None


def test_next_year_is_allowed_but_not_the_year_after() -> None:
    assert parse_date("2027-12-31", today=TODAY) == "2027-12-31"
    assert parse_date("2028-01-01", today=TODAY) is None


def test_reuters_date_is_the_fast_exact_path() -> None:
    assert parse_reuters_date("26-FEB-1987 15:01:01.79") == "1987-02-26T15:01:01"
    assert parse_reuters_date("26-XXX-1987 15:01:01.79") is None
    assert parse_reuters_date("March 3, 1987") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.rappler.com/world/2019/03/28/russia-venezuela", "2019-03-28"),
        ("https://example.com/news/2019-3-8-story", "2019-03-08"),
        ("https://example.com/a/20190328/b", "2019-03-28"),
        ("https://example.com/2019/02/30/x", None),
        ("https://example.com/3019/01/01/x", None),
        ("https://example.com/about", None),
        (None, None),
    ],
)
def test_date_from_url(url: str | None, expected: str | None) -> None:
    assert date_from_url(url, today=TODAY) == expected


def test_date_from_text_takes_full_dates_near_the_start() -> None:
    assert date_from_text("Filed on March 28, 2019 by staff.", today=TODAY) == "2019-03-28"
    assert date_from_text("He said on Thursday, March 28, that...", today=TODAY) is None
    assert date_from_text("x " * 1000 + "March 28, 2019", today=TODAY) is None
    assert date_from_text("Feb 30, 2019 and 2019-03-01", today=TODAY) == "2019-03-01"


def test_extract_date_order_of_trust() -> None:
    url = "https://x.org/2018/01/02/a"
    text = "Written January 5, 2017."
    assert extract_date("7:42 PM, March 28, 2019", url, text, TODAY) == "2019-03-28T19:42"
    assert extract_date("garbage", url, text, TODAY) == "2018-01-02"
    assert extract_date(None, None, text, TODAY) == "2017-01-05"
    assert extract_date(None, None, None, TODAY) is None
