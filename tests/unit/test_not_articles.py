"""No invented dates, and files that are not articles are told apart from unreadable ones."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from indexer.errors import NotAnArticleError, SourceError
from indexer.extract.dates import date_from_text, extract_date, parse_date
from indexer.sources.detect import is_not_article
from indexer.sources.read import read_documents
from indexer.sources.text import parse_text

TODAY = dt.date(2026, 11, 26)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

#: A code list with notes on top, shaped like the category notes shipped
#: with a corpus: no date line, no byline, an aside with an older date.
#: (Written for these tests, not taken from a corpus.)
NOTES = (FIXTURES / "notes" / "cat-notes_120396.txt").read_text(encoding="utf-8")

#: A long article, hard-wrapped at a few words a line.
ARTICLE = (
    "Coffee exporters meet\n\n"
    + "\n".join(
        "Producers from twelve countries met on Monday.\nThey discussed quotas, a delegate said."
        for _ in range(25)
    )
    + "\n"
)


def test_the_notes_date_is_the_one_written_at_the_top() -> None:
    assert parse_date("3-Dec-96", TODAY) == "1996-12-03"
    assert parse_date("03-DEC-1996", TODAY) == "1996-12-03"
    assert date_from_text(NOTES.replace("\n", " "), TODAY) == "1996-12-03"
    assert date_from_text("Dated 3-Dec-96.", TODAY) == "1996-12-03"


def test_an_aside_in_parentheses_is_no_publication_date() -> None:
    text = "The letter the editors received (March 9, 1990) gave a list."
    assert date_from_text(text, TODAY) is None
    assert date_from_text("Filed (in London) on March 28, 2019.", TODAY) == "2019-03-28"


@pytest.mark.parametrize("raw", ["31-Feb-96", "Dec-96", "3-Dec", "sometime soon", "96", "(c) 1987"])
def test_an_unparseable_date_is_no_date(raw: str) -> None:
    assert parse_date(raw, TODAY) is None
    assert extract_date(raw, None, raw, TODAY) is None


def test_a_list_with_notes_is_not_an_article() -> None:
    with pytest.raises(NotAnArticleError, match="list with notes"):
        parse_text("notes.txt", NOTES)
    with pytest.raises(NotAnArticleError):
        list(read_documents("cat-descriptions.txt", NOTES.encode()))


def test_a_long_hard_wrapped_article_is_read() -> None:
    doc = parse_text("story.txt", ARTICLE)
    assert doc.title == "Coffee exporters meet"
    assert "twelve countries" in doc.body


def test_a_list_under_a_date_line_is_an_article() -> None:
    """A dated table story (results, prices) keeps its date line and is read."""
    dated = "Published March 28, 2019\n\n" + NOTES
    doc = parse_text("results.txt", dated)
    assert doc.date == "March 28, 2019"


@pytest.mark.parametrize(
    ("name", "data", "not_article"),
    [
        ("README.txt", b"This is the readme of the corpus. It says how to use it.", True),
        ("data.json", b'[{"a": 1}, {"b": 2}]', True),
        ("lewis.dtd", b"<!ELEMENT LEWIS (REUTERS*)>", True),
        ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, True),
        ("empty.txt", b"", False),
        ("random.txt", bytes(range(256)) * 16, False),
        ("broken.sgm", b"<LEWIS><DOC>no reuters element</DOC>", False),
    ],
)
def test_not_articles_are_told_from_unreadable_articles(
    name: str, data: bytes, not_article: bool
) -> None:
    with pytest.raises(SourceError) as raised:
        list(read_documents(name, data))
    assert isinstance(raised.value, NotAnArticleError) is not_article, raised.value
    if data:
        assert is_not_article(name, data) is not_article
