"""Plain-text articles: header lines, paragraphs, the seed file."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.errors import SourceError
from indexer.sources import read_documents
from indexer.sources.text import parse_text

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_016a2371f453d592.txt"
LEAD = "MOSCOW, Russia – The presence of troops does not present a threat, the ministry said."


def test_seed_article() -> None:
    (doc,) = read_documents(str(SEED), SEED.read_bytes())
    assert doc.format == "text"
    assert doc.position is None
    assert doc.date == "7:42 PM, March 28, 2019"
    assert doc.title is None
    assert doc.body.startswith("MOSCOW, Russia – The presence of Russian troops")
    assert doc.body.endswith("– Rappler.com")
    assert "Published" not in doc.body
    assert doc.body.count("\n\n") == 14  # 15 paragraphs
    assert "\n\n\n" not in doc.body


def test_published_line_is_the_date() -> None:
    doc = parse_text("a.txt", f"Published 7:42 PM, March 28, 2019\n\n{LEAD}\n")
    assert (doc.date, doc.title, doc.body) == ("7:42 PM, March 28, 2019", None, LEAD)


def test_updated_line_and_published_line() -> None:
    doc = parse_text("a.txt", f"Updated 9:00 PM, March 28, 2019\n\n{LEAD}")
    assert doc.date == "9:00 PM, March 28, 2019"
    both = "Published: 7:42 PM, March 28, 2019\nUpdated 9:00 PM, March 28, 2019\n\n"
    assert parse_text("a.txt", both + LEAD).date == "7:42 PM, March 28, 2019"


def test_date_line_directly_followed_by_the_body() -> None:
    doc = parse_text("a.txt", f"Published 7:42 PM, March 28, 2019\n{LEAD}")
    assert (doc.date, doc.body) == ("7:42 PM, March 28, 2019", LEAD)


def test_a_sentence_starting_with_published_is_body() -> None:
    text = "Published reports say the troops arrived on Saturday, officials said.\n\nMore."
    doc = parse_text("a.txt", text)
    assert doc.date is None
    assert doc.body.startswith("Published reports")


def test_headline_then_date_then_byline() -> None:
    header = "Russia Says Troops Pose No Threat\n\nPublished 7:42 PM, March 28, 2019\nBy Jane Doe"
    text = f"{header}\n\n{LEAD}"
    doc = parse_text("a.txt", text)
    assert doc.title == "Russia Says Troops Pose No Threat"
    assert doc.date == "7:42 PM, March 28, 2019"
    assert doc.author == "Jane Doe"
    assert doc.body == LEAD


def test_headline_with_its_date_line_in_the_same_block() -> None:
    doc = parse_text("a.txt", f"Troops Pose No Threat\nPublished 7:42 PM, March 28, 2019\n\n{LEAD}")
    assert (doc.title, doc.date, doc.body) == (
        "Troops Pose No Threat",
        "7:42 PM, March 28, 2019",
        LEAD,
    )


@pytest.mark.parametrize(
    "first",
    [
        "The ministry said the troops were no threat.",  # ends a sentence
        "Is this a threat?",
        "A line that is far too long to be a headline " * 6,
        "Line one of a paragraph\nline two of the same paragraph",
    ],
)
def test_no_headline(first: str) -> None:
    doc = parse_text("a.txt", f"{first}\n\n{LEAD}")
    assert doc.title is None
    assert doc.body.endswith(LEAD)


def test_a_lone_short_line_is_the_body_not_a_title() -> None:
    doc = parse_text("a.txt", "Troops arrive in Caracas on Saturday night\n")
    assert (doc.title, doc.body) == (None, "Troops arrive in Caracas on Saturday night")


def test_whitespace_is_collapsed_and_paragraphs_kept() -> None:
    text = "  First   line\nwrapped\there.  \r\n \r\n\r\n\tSecond\u00a0paragraph  starts. \f"
    assert parse_text("a.txt", text).body == "First line wrapped here.\n\nSecond paragraph starts."


def test_dateline_and_credit_stay_in_the_body() -> None:
    doc = parse_text("a.txt", f"{LEAD}\n\nMore text follows here, it said. – Rappler.com")
    assert doc.body.startswith("MOSCOW, Russia –")
    assert doc.body.endswith("– Rappler.com")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "whitespace only"),
        ("\n \t\n", "whitespace only"),
        ("acq\nalum\nbarley\ncocoa\n", "no prose in text file (a list or table?)"),
        ("Published 7:42 PM, March 28, 2019\n\n", "no article text"),
    ],
)
def test_unusable_text(text: str, reason: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_text("a.txt", text)
    assert str(raised.value) == reason


def test_body_is_capped_at_a_paragraph_boundary() -> None:
    paragraph = "word " * 199 + "end."
    doc = parse_text("big.txt", "\n\n".join([paragraph] * 2_100))
    assert len(doc.body) <= 2_000_000
    assert doc.body.endswith("end.")
    assert len(doc.body) > 1_990_000
