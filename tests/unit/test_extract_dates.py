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
    publication_date,
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


def test_evening_in_new_york_keeps_the_url_day_and_the_instant() -> None:
    """The issue's case: a UTC timestamp past midnight, a URL and page that say the 19th."""
    url = "https://news.example.com/2019/11/19/council-votes/"
    found = publication_date("2019-11-20T02:59:46Z", url, "The council voted.", today=TODAY)
    assert found.date == "2019-11-19"
    assert found.instant == "2019-11-20T02:59:46+00:00"
    assert found.source == "url"


def test_local_offset_gives_the_local_day() -> None:
    found = publication_date("2019-11-19T21:59:46-05:00", today=TODAY)
    assert found.date == "2019-11-19T21:59:46-05:00"
    assert found.instant == "2019-11-19T21:59:46-05:00"
    assert found.source == "metadata"
    # Seen from Tokyo, the same instant is already the next day there.
    tokyo = publication_date(
        "2019-11-20T11:59:46+09:00", "https://x.jp/2019/11/19/a", None, None, TODAY
    )
    assert tokyo.date == "2019-11-20T11:59:46+09:00"


def test_utc_timestamp_takes_the_printed_day_when_a_day_apart() -> None:
    found = publication_date("2023-11-09T03:28:35Z", None, None, "2023-11-08", TODAY)
    assert (found.date, found.source) == ("2023-11-08", "page")
    assert found.instant == "2023-11-09T03:28:35+00:00"
    lead = publication_date("2023-11-09T03:28:35Z", None, "Posted November 8, 2023.", None, TODAY)
    assert (lead.date, lead.source) == ("2023-11-08", "text")


def test_utc_timestamp_alone_keeps_the_utc_day() -> None:
    found = publication_date("2023-11-09T03:28:35Z", today=TODAY)
    assert (found.date, found.source) == ("2023-11-09T03:28:35+00:00", "metadata")
    same = publication_date("2023-11-09T13:00:00Z", "https://x.org/2023/11/09/a", today=TODAY)
    assert (same.date, same.source) == ("2023-11-09T13:00:00+00:00", "metadata")


def test_stale_metadata_gives_way_to_the_printed_day() -> None:
    """A template's date years off the day the page prints is not the story's."""
    found = publication_date("2009-04-11 18:06:36", None, None, "2019-10-22", TODAY)
    assert (found.date, found.source, found.instant) == ("2019-10-22", "page", None)
    close = publication_date("2022-01-26", None, None, "2022-01-27", TODAY)
    assert (close.date, close.source) == ("2022-01-26", "metadata")


def test_without_declared_date_page_then_url_then_text() -> None:
    url = "https://x.org/2018/01/02/a"
    assert publication_date(None, url, None, "2018-01-03", TODAY).source == "page"
    assert publication_date(None, url, "On March 1, 2018.", None, TODAY).date == "2018-01-02"
    assert publication_date(None, None, "On March 1, 2018.", "junk", TODAY).source == "text"
    assert publication_date(None, None, None, None, TODAY) == publication_date(None)
