"""Issue 14's pure helpers: chart geometry, Atom text and dates, export options, tokens."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET

import pytest
from flask import Flask

from indexer.errors import SearchRequestError
from indexer.search.presenter import EXPORT_COLUMNS
from indexer.search.types import Fragment
from webapp import create_app, csrf
from webapp.chart import HEIGHT, TOP, line_chart, nice_ceiling, share_tick
from webapp.citable import (
    EXPORT_FIELDS,
    citation,
    comment_lines,
    parse_fields,
    parse_flag,
    plain_snippet,
)
from webapp.feeds import rfc3339, tag_uri, xml_text


def test_axis_tops_are_four_nice_steps() -> None:
    assert nice_ceiling(200, whole=True) == 200
    assert nice_ceiling(230, whole=True) == 240
    assert nice_ceiling(3, whole=True) == 4  # counts never get fractional ticks
    assert nice_ceiling(0.146) == pytest.approx(0.16)
    assert nice_ceiling(0) == 4


def test_unknown_values_break_the_line_and_get_no_point() -> None:
    chart = line_chart(
        ["a", "b", "c", "d", "e"],
        [[1.0, 2.0, None, 3.0, 4.0], [None, 1.0, None, 2.0, None]],
        [["t"] * 5, ["u"] * 5],
        [["/a"] * 5, ["/b"] * 5],
        str,
    )
    first, second = chart["lines"]
    assert len(first["segments"]) == 2 and len(first["dots"]) == 4
    assert second["segments"] == [] and len(second["dots"]) == 2  # lone points: dots only
    top = max(dot["y"] for line in chart["lines"] for dot in line["dots"])
    assert top >= TOP and all(dot["y"] <= HEIGHT for dot in first["dots"])
    assert [tick["label"] for tick in chart["y_ticks"]] == ["0.0", "1.0", "2.0", "3.0", "4.0"]


def test_share_ticks() -> None:
    assert share_tick(None) == "n/a"
    assert share_tick(0) == "0%"
    assert share_tick(0.25) == "25%"
    assert share_tick(0.025) == "2.5%"
    assert share_tick(0.00125) == "0.12%"


def test_xml_text_drops_what_xml_cannot_carry() -> None:
    hostile = "a\x00b\x01c\x0bd\ud800e\ufffef \tg\nh é 😀 <&>"
    cleaned = xml_text(hostile)
    assert cleaned == "abcdef \tg\nh é 😀 <&>"
    element = ET.Element("title")
    element.text = cleaned
    assert ET.fromstring(ET.tostring(element)).text == cleaned


def test_rfc3339_dates() -> None:
    assert rfc3339("1987-02-26T15:01:01") == "1987-02-26T15:01:01Z"
    assert rfc3339("2019-04-03T09:15:00+08:00") == "2019-04-03T09:15:00+08:00"
    assert rfc3339("2019-03-28") == "2019-03-28T00:00:00Z"
    assert rfc3339("2019-03-28T19:42") == "2019-03-28T19:42:00Z"
    assert rfc3339("not a date") is None and rfc3339(None) is None
    assert tag_uri("newsearch", "article:reuters-1") == "tag:newsearch,2026:article:reuters-1"


def test_export_fields() -> None:
    assert parse_fields([]) == EXPORT_COLUMNS
    assert parse_fields(["id, title", "body,id", ""]) == ("id", "title", "body")
    assert "snippet" in EXPORT_FIELDS and "body" in EXPORT_FIELDS
    with pytest.raises(SearchRequestError) as caught:
        parse_fields(["id,path"])
    assert caught.value.code == "unknown_field"
    assert parse_flag([], "provenance", True) is True
    assert parse_flag(["0"], "provenance", True) is False
    with pytest.raises(SearchRequestError):
        parse_flag(["true"], "provenance", False)


def test_plain_snippets_and_comment_lines_stay_on_one_line() -> None:
    passages = ((Fragment("a "), Fragment("cocoa", True)), (Fragment("b"),))
    assert plain_snippet(passages) == "a cocoa … b"
    lines = comment_lines(
        {"query": "x\ny", "filters": {"place": ["a", "b\r\nc"], "from": "1987"}, "total": 3}
    )
    assert lines == [
        "# newsearch export",
        "# query: x y",
        "# filters: place=a, b c; from=1987",
        "# total: 3",
    ]


def test_citations() -> None:
    article = {"title": "Cocoa rises.", "source": "Reuters", "dateline": "London", "url": None}
    assert citation({**article, "origin": "r.sgm#1"}, "2 Mar 1987") == (
        "“Cocoa rises.” Reuters, 2 Mar 1987, London. r.sgm#1."
    )
    with_url = {**article, "url": "https://example.com/x", "origin": "r.sgm#1"}
    assert citation(with_url, "").endswith("Reuters, London. https://example.com/x.")
    assert citation({"title": "", "origin": ""}, "") == "“(untitled).”"


@pytest.fixture
def app() -> Flask:
    return create_app({"SECRET_KEY": "unit-test-key"})


def test_tokens_are_signed_dated_and_expire(app: Flask) -> None:
    with app.test_request_context("/batch"):
        token = csrf.new_token()
        assert csrf.is_valid(token)
        nonce, issued, signature = token.split(".")
        assert not csrf.is_valid(f"{nonce}.{int(issued) + 1}.{signature}")  # tampered date
        assert not csrf.is_valid(f"{'0' * 32}.{issued}.{signature}")  # another nonce
        old = csrf.new_token(now=time.time() - csrf.MAX_AGE - 10)
        assert not csrf.is_valid(old)
        future = csrf.new_token(now=time.time() + 3600)
        assert not csrf.is_valid(future)
        assert not csrf.is_valid("") and not csrf.is_valid("a.b.c")
    other = create_app({"SECRET_KEY": "another-key"})
    with other.test_request_context("/batch"):
        assert not csrf.is_valid(token)  # signed with another key


def test_the_signing_key_is_shared_through_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(csrf.ENV_KEY, raising=False)
    key = csrf.ensure_secret()
    assert len(key) == 64 and csrf.ensure_secret() == key
    first, second = create_app(), create_app()
    with first.test_request_context("/batch"):
        token = csrf.new_token()
    with second.test_request_context("/batch"):
        assert csrf.is_valid(token)  # another worker process, same key
