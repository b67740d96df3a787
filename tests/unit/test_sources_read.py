"""read_documents(): the public entry point, and the hostile-input set.

Every hostile input must either give sensible documents or raise
SourceError with a clear reason: never another exception, never a hang.
"""

from __future__ import annotations

import codecs
import gzip
import json
import random
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from indexer.errors import SourceError
from indexer.model import RawDocument, SkippedDocument
from indexer.sources import FORMATS, read_documents
from indexer.sources.cleanup import MAX_BODY_CHARS

PROSE = "The council approved the budget on Monday, officials said. "
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"


def test_formats_and_dispatch() -> None:
    assert FORMATS == ("text", "html", "reuters", "jsonl")
    (doc,) = read_documents("a.txt", PROSE.encode())
    assert isinstance(doc, RawDocument) and doc.format == "text"


def test_forced_format() -> None:
    (doc,) = read_documents("page.txt", b"<p>" + PROSE.encode() + b"</p>", fmt="html")
    assert isinstance(doc, RawDocument) and doc.format == "html"


def test_unknown_forced_format() -> None:
    with pytest.raises(SourceError, match=r"^unknown format 'pdf'$"):
        read_documents("a.pdf", b"x", fmt="pdf")


def test_errors_are_raised_by_the_call_not_during_iteration() -> None:
    with pytest.raises(SourceError, match=r"^binary content \(PNG image\)$"):
        read_documents("a.txt", PNG)  # no next() needed


def test_a_file_of_skipped_documents_is_a_source_error() -> None:
    data = b'{"url": "no text"}\n[1]\n'
    with pytest.raises(SourceError) as raised:
        read_documents("a.jsonl", data)
    assert str(raised.value) == (
        "no usable document (2 skipped; first: no text (no title or body field))"
    )


def test_not_an_article_format_reason() -> None:
    with pytest.raises(SourceError, match=r"^not an article format \(\.css file\)$"):
        read_documents("site.css", b"body { color: red; }")


# -- hostile inputs -----------------------------------------------------------


@dataclass(frozen=True)
class Case:
    path: str
    data: bytes
    #: The SourceError message expected, or None when documents are expected.
    error: str | None = None
    #: Extra checks on the documents.
    check: Callable[[list[RawDocument | SkippedDocument]], None] | None = None


def _sgml(*stories: str) -> bytes:
    return ('<!DOCTYPE lewis SYSTEM "lewis.dtd">\n' + "".join(stories)).encode("latin-1")


def _body_is(expected: str) -> Callable[[list[RawDocument | SkippedDocument]], None]:
    def check(items: list[RawDocument | SkippedDocument]) -> None:
        assert [getattr(i, "body", None) for i in items] == [expected]

    return check


def _body_contains(*parts: str) -> Callable[[list[RawDocument | SkippedDocument]], None]:
    def check(items: list[RawDocument | SkippedDocument]) -> None:
        body = "\n\n".join(i.body for i in items if isinstance(i, RawDocument))
        assert all(part in body for part in parts), body[:300]

    return check


def _count(docs: int, skipped: int = 0) -> Callable[[list[RawDocument | SkippedDocument]], None]:
    def check(items: list[RawDocument | SkippedDocument]) -> None:
        assert sum(isinstance(i, RawDocument) for i in items) == docs
        assert sum(isinstance(i, SkippedDocument) for i in items) == skipped

    return check


def _bomb() -> bytes:
    entities = '<!ENTITY a "' + "a" * 1000 + '">'
    for name, prev in zip("bcdefghij", "abcdefghi", strict=True):
        entities += f'<!ENTITY {name} "' + f"&{prev};" * 10 + '">'
    page = f'<?xml version="1.0"?><!DOCTYPE x [{entities}]><html><body><p>&j;</p></body></html>'
    return page.encode()


CASES: dict[str, Callable[[], Case]] = {
    "empty": lambda: Case("a.txt", b"", "empty file"),
    "whitespace only": lambda: Case("a.txt", b" \r\n\t \n", "whitespace only"),
    "whitespace only, utf-16": lambda: Case("a.txt", " \n \n".encode("utf-16"), "whitespace only"),
    "png": lambda: Case("photo.txt", PNG + bytes(200), "binary content (PNG image)"),
    "gzip": lambda: Case(
        "page.html", gzip.compress(PROSE.encode()), "binary content (gzip archive)"
    ),
    "random bytes": lambda: Case(
        "noise.sgm", random.Random(7).randbytes(4096), "binary content (NUL bytes)"
    ),
    "random bytes without NUL": lambda: Case(
        "noise",
        bytes(b % 31 + 1 for b in random.Random(8).randbytes(4096)),
        "binary content (control bytes)",
    ),
    "invalid utf-8": lambda: Case(
        "a.txt", b"Caf\xc3\x28 and \xa0\xa1 bytes in " + PROSE.encode(), None, _count(1)
    ),
    "latin-1 text": lambda: Case(
        "a.txt",
        ("Le café de la gare a rouvert, a dit le maire. " * 3).encode("latin-1"),
        None,
        _body_contains("Le café de la gare"),
    ),
    "windows-1252 text": lambda: Case(
        "a.txt",
        ("The council’s “budget” passed – finally, they said. " * 3).encode("cp1252"),
        None,
        _body_contains("The council’s “budget” passed – finally"),
    ),
    "utf-16 with bom": lambda: Case(
        "a.txt",
        codecs.BOM_UTF16_LE + ("Füße " + PROSE).encode("utf-16-le"),
        None,
        _body_is(("Füße " + PROSE).strip()),
    ),
    "truncated sgml": lambda: Case(
        "r.sgm",
        _sgml('<REUTERS NEWID="1"><DATE>1-MAR-1987</DATE><TEXT><TITLE>CUT</TITLE><BODY>Cut of'),
        "no usable document (1 skipped; first: truncated: the file ends inside this "
        "<REUTERS> element)",
    ),
    "sgml with unclosed tags and a missing body": lambda: Case(
        "r.sgm",
        _sgml(
            '<REUTERS NEWID="1">\n<DATE>1-MAR-1987\n<TOPICS><D>gold\n<TEXT>\n<TITLE>OPEN\n'
            "Text without a body element.\n</TEXT>\n</REUTERS>\n",
            '<REUTERS NEWID="2"><TEXT></TEXT></REUTERS>',
        ),
        None,
        _count(1, 1),
    ),
    "sgml without elements": lambda: Case(
        "r.sgm", b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\nno element', "no <REUTERS> element in sgml"
    ),
    "sgml with an empty element": lambda: Case(
        "r.sgm",
        b'<!DOCTYPE lewis SYSTEM "lewis.dtd">\n<REUTERS',
        "no usable document (1 skipped; first: truncated: the file ends inside this "
        "<REUTERS> element)",
    ),
    "html without a body": lambda: Case(
        "a.html", b"<html><head><title>Title only</title></head></html>", "no article text in HTML"
    ),
    "html all script": lambda: Case(
        "a.html",
        b"<html><body><script>" + b"x=1;" * 5000 + b"</script></body></html>",
        "no article text in HTML",
    ),
    "10,000 nested divs": lambda: Case(
        "a.html",
        b"<html><body>"
        + b"<div>" * 10_000
        + PROSE.encode()
        + b"</div>" * 10_000
        + b"</body></html>",
        None,
        _body_is(PROSE.strip()),
    ),
    "10,000 unclosed nested tags": lambda: Case(
        "a.html", b"<html><body>" + b"<span><b><i>" * 10_000 + PROSE.encode(), None, _count(1)
    ),
    "entity expansion bomb": lambda: Case("bomb.html", _bomb(), "no article text in HTML"),
    "entity expansion bomb, xml suffix": lambda: Case(
        "bomb.xml", _bomb(), "no article text in HTML"
    ),
    "5 MB single line of text": lambda: Case(
        "big.txt",
        PROSE.encode() * 85_000,
        None,
        lambda items: _check_capped(items, 5_000_000),
    ),
    "5 MB single line of html": lambda: Case(
        "big.html",
        b"<html><body><p>" + PROSE.encode() * 85_000 + b"</p></body></html>",
        None,
        lambda items: _check_capped(items, 5_000_000),
    ),
    "5 MB single json line": lambda: Case(
        "big.jsonl",
        json.dumps({"title": "Big", "body": PROSE * 85_000}).encode(),
        None,
        lambda items: _check_capped(items, 5_000_000),
    ),
    "50 MB text file": lambda: Case(
        "huge.txt",
        (PROSE * 9 + "\n\n").encode() * 90_000,
        None,
        lambda items: _check_capped(items, 50_000_000),
    ),
    "jsonl with broken lines": lambda: Case(
        "a.jsonl",
        b'{"title": "ok", "body": "Fine."}\n{"title": \n\xff\xfe\n[]\n{"body": "Also fine."',
        None,
        _count(1, 4),
    ),
    "jsonl nested too deeply": lambda: Case(
        "a.jsonl", b"[" * 200_000 + b'\n{"title": "ok"}\n', None, _count(1, 1)
    ),
}


def _check_capped(items: list[RawDocument | SkippedDocument], size: int) -> None:
    (doc,) = items
    assert isinstance(doc, RawDocument)
    assert MAX_BODY_CHARS - 1000 < len(doc.body) <= MAX_BODY_CHARS < size


@pytest.fixture(params=sorted(CASES))
def hostile(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]()


@pytest.mark.timeout(30)
def test_hostile_input(hostile: Case) -> None:
    try:
        items = list(read_documents(hostile.path, hostile.data))
    except SourceError as exc:
        assert str(exc) == hostile.error
        return
    assert hostile.error is None, f"expected SourceError({hostile.error!r})"
    for item in items:
        if isinstance(item, RawDocument):
            assert item.format in FORMATS
            assert item.body or item.title
            assert len(item.body) <= MAX_BODY_CHARS
            assert not any(ord(ch) < 32 and ch != "\n" for ch in item.body[:100_000])
        else:
            assert item.reason
    if hostile.check is not None:
        hostile.check(items)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("name", "bound"),
    [
        ("5 MB single line of text", 5),
        ("5 MB single json line", 5),
        ("5 MB single line of html", 12),
        # Reads and decodes 50 MB in a subprocess: seconds.
        pytest.param("50 MB text file", 3, marks=pytest.mark.slow),
    ],
)
def test_memory_is_a_small_multiple_of_the_input(name: str, bound: int) -> None:
    case = CASES[name]()
    tracemalloc.start()
    try:
        list(read_documents(case.path, case.data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < bound * len(case.data)
