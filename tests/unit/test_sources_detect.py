"""Format detection: suffix first, confirmed or overridden by the head."""

from __future__ import annotations

import pytest

from indexer.sources import FORMATS, detect_format
from indexer.sources.detect import classify

PROSE = b"MOSCOW, Russia - The presence of troops does not present a threat, it said.\n"
PAGE = b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><p>Hi there.</p></body></html>"
SGML = b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n<REUTERS NEWID="1">\n<DATE>x</DATE>\n</REUTERS>\n'
JSONL = b'{"title": "a", "body": "b"}\n{"title": "c", "body": "d"}\n'


def test_formats() -> None:
    assert FORMATS == ("text", "html", "reuters", "jsonl")


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("a.txt", PROSE, "text"),
        ("a.TEXT", PROSE, "text"),
        ("a.html", PAGE, "html"),
        ("a.htm", PAGE, "html"),
        ("a.xhtml", b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">', "html"),
        ("reut2-000.sgm", SGML, "reuters"),
        ("a.sgml", SGML, "reuters"),
        ("a.jsonl", JSONL, "jsonl"),
        ("a.ndjson", JSONL, "jsonl"),
    ],
)
def test_suffix_confirmed_by_content(name: str, head: bytes, expected: str) -> None:
    assert detect_format(name, head) == expected


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("saved.txt", PAGE, "html"),  # a page saved from a browser
        ("page.html", PROSE, "text"),  # no markup at all
        ("dump.json", JSONL, "jsonl"),
        ("stories.txt", SGML, "reuters"),
        ("fragment.html", b"<p>Only a paragraph.</p>", "html"),
        ("notes.txt", b"Text that mentions <p> tags and <b>bold</b> is still text.", "text"),
    ],
)
def test_content_overrides_suffix(name: str, head: bytes, expected: str) -> None:
    assert detect_format(name, head) == expected


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        ("article", PROSE, "text"),
        ("article.md", PROSE, "text"),
        ("page.php", PAGE, "html"),
        ("feed", JSONL, "jsonl"),
        ("data.bin", SGML, "reuters"),
        ("fragment", b"Intro <p>with a paragraph</p> and more.", "html"),
    ],
)
def test_unknown_suffixes_are_sniffed(name: str, head: bytes, expected: str) -> None:
    assert detect_format(name, head) == expected


@pytest.mark.parametrize(
    ("name", "head", "reason"),
    [
        ("a.txt", b"", "empty file"),
        ("a.txt", b" \n\t\r\n ", "whitespace only"),
        ("a.html", b"\x89PNG\r\n\x1a\n\x00\x00", "binary content (PNG image)"),
        ("a.txt", b"\x1f\x8b\x08\x00", "binary content (gzip archive)"),
        ("data.json", b'{\n  "title": "pretty-printed"\n}\n', "not an article format (.json file)"),
        ("data", b'[{"title": "a list"}]', "json document, not json lines"),
        (
            "feed.rss",
            b'<?xml version="1.0"?><rss><channel/></rss>',
            "not an article format (.rss file)",
        ),
        (
            "feed",
            b'<?xml version="1.0"?><rss><channel/></rss>',
            "xml document, not an article format",
        ),
        ("lewis.dtd", b"<!ENTITY % x 'y'>", "not an article format (.dtd file)"),
        ("app.js", b"function f() { return 1; }", "not an article format (.js file)"),
        ("empty.sgm", PROSE, "no <REUTERS> element in sgml"),
        ("README.txt", PROSE, "documentation file (readme), not an article"),
        ("LICENSE", PROSE, "documentation file (license), not an article"),
    ],
)
def test_not_an_article_format(name: str, head: bytes, reason: str) -> None:
    assert detect_format(name, head) is None
    assert classify(name, head) == (None, reason)


def test_documentation_quoting_sgml_is_not_reuters() -> None:
    readme = b"Each article starts with a tag of the form\n\n    <REUTERS TOPICS=?? NEWID=??>\n"
    assert detect_format("notes.txt", readme) == "text"


def test_byte_order_marks_and_utf16() -> None:
    assert detect_format("a.html", "\ufeff<!DOCTYPE html><p>x</p>".encode()) == "html"
    assert detect_format("a.txt", "<html><body>é</body></html>".encode("utf-16")) == "html"
    assert detect_format("a", "Plain words in UTF-16, no BOM.".encode("utf-16-le")) == "text"


def test_one_long_json_line_cut_by_the_head_is_jsonl() -> None:
    assert detect_format("big", b'{"body": "' + b"x" * 9000) == "jsonl"


def test_leading_comments_before_a_fragment() -> None:
    assert detect_format("x.html", b"<!-- saved -->\n<div><p>Text.</p></div>") == "html"
