"""JSON Lines: key variants, tag lists, broken lines."""

from __future__ import annotations

import json

import pytest

from indexer.errors import SourceError
from indexer.model import RawDocument, SkippedDocument
from indexer.sources.jsonl import parse_jsonl


def docs(*lines: object) -> list[RawDocument | SkippedDocument]:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    return parse_jsonl("a.jsonl", text)


def one(obj: dict[str, object]) -> RawDocument:
    (doc,) = docs(obj)
    assert isinstance(doc, RawDocument)
    return doc


@pytest.mark.parametrize("key", ["body", "text", "content", "article", "description"])
def test_body_keys(key: str) -> None:
    assert one({key: "The text."}).body == "The text."


@pytest.mark.parametrize(
    "key",
    ["date", "published", "published_at", "publishedAt", "datePublished", "pubDate", "time"],
)
def test_date_keys(key: str) -> None:
    assert one({"title": "T", key: "2020-01-02"}).date == "2020-01-02"


def test_first_key_in_the_list_wins_and_case_is_ignored() -> None:
    doc = one({"Description": "summary", "TEXT": "full text", "headline": "H", "Title": "T"})
    assert (doc.body, doc.title) == ("full text", "T")


def test_empty_values_fall_through_to_the_next_key() -> None:
    assert one({"body": "", "text": None, "content": "Content."}).body == "Content."


def test_all_fields() -> None:
    doc = one(
        {
            "_id": 42,
            "headline": "H",
            "article": "Para one.\n\n\nPara  two.",
            "pubDate": 1555555555,
            "canonical_url": "https://x.example/a",
            "site_name": "Site",
            "byline": [{"name": "A"}, "B", "A"],
            "persons": ["P"],
            "orgs": "O",
            "places": ["X", "Y"],
            "categories": ["c1"],
        }
    )
    assert doc.format == "jsonl"
    assert doc.position == 1
    assert (doc.native_id, doc.title, doc.body, doc.date) == (
        "42",
        "H",
        "Para one.\n\nPara two.",
        "1555555555",
    )
    assert (doc.url, doc.source, doc.author) == ("https://x.example/a", "Site", "A, B")
    assert dict(doc.tags) == {
        "people": ("P",),
        "orgs": ("O",),
        "places": ("X", "Y"),
        "topics": ("c1",),
    }


def test_body_as_a_list_of_paragraphs_and_body_in_html() -> None:
    assert one({"body": ["One.", "Two."]}).body == "One.\n\nTwo."
    assert one({"body": "<p>One <b>bold</b>.</p><p>Two.</p>"}).body == "One bold.\n\nTwo."


def test_title_only_objects_are_documents() -> None:
    doc = one({"title": "Only a title"})
    assert (doc.title, doc.body) == ("Only a title", "")


def test_positions_are_line_numbers_and_bad_lines_are_skipped() -> None:
    items = docs({"title": "a"}, "", "   ", "{broken", [1, 2], "null", {"url": "u"}, {"title": "b"})
    assert [(type(i).__name__, getattr(i, "position", None)) for i in items] == [
        ("RawDocument", 1),
        ("SkippedDocument", None),
        ("SkippedDocument", None),
        ("SkippedDocument", None),
        ("SkippedDocument", None),
        ("RawDocument", 8),
    ]
    assert [i.origin for i in items if isinstance(i, SkippedDocument)] == [
        "a.jsonl#4",
        "a.jsonl#5",
        "a.jsonl#6",
        "a.jsonl#7",
    ]
    assert [i.reason for i in items if isinstance(i, SkippedDocument)] == [
        "invalid json: expecting property name enclosed in double quotes",
        "not a json object (array)",
        "not a json object (null)",
        "no text (no title or body field)",
    ]


def test_line_separators_inside_strings_do_not_split_lines() -> None:
    items = docs({"title": "T", "body": "one\u2028two\x85three"}, {"title": "U"})
    assert [getattr(i, "body", None) for i in items] == ["one two three", ""]


def test_deeply_nested_line_is_skipped() -> None:
    items = docs("[" * 100_000, {"title": "ok"})
    assert isinstance(items[0], SkippedDocument)
    assert items[0].reason.startswith("invalid json")
    assert isinstance(items[1], RawDocument)


def test_no_line_parses() -> None:
    with pytest.raises(SourceError, match=r"^not valid JSON Lines: no line parsed$"):
        parse_jsonl("a.jsonl", "{broken\nnot json either\n")
