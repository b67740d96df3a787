"""Titles: the raw title cleaned, else the lead sentence, never empty."""

from __future__ import annotations

from indexer.extract.titles import TITLE_LENGTH, lead_sentence, make_title, shorten


def test_raw_title_is_cleaned() -> None:
    assert make_title("  BAHIA &amp; COCOA\n REVIEW ", "body", "f.sgm") == "BAHIA & COCOA REVIEW"


def test_lead_sentence_after_the_dateline() -> None:
    body = "MOSCOW, Russia – The presence of troops is no threat, the ministry said. More text."
    assert make_title(None, body, "f.txt") == (
        "The presence of troops is no threat, the ministry said."
    )


def test_lead_sentence_skips_abbreviations() -> None:
    assert lead_sentence("Mr. Smith of the U.S. Treasury left. He said") == (
        "Mr. Smith of the U.S. Treasury left."
    )


def test_long_lead_is_cut_at_a_word_boundary() -> None:
    body = "word " * 100
    title = make_title(None, body, "f.txt")
    assert len(title) <= TITLE_LENGTH
    assert title.endswith("word…")


def test_never_empty() -> None:
    assert make_title(None, "", "/data/news/story-1.txt") == "story-1.txt"
    assert make_title("   ", "  ", "/data/news/") == "news"
    assert make_title(None, "", "") == "Untitled"


def test_shorten() -> None:
    assert shorten("short") == "short"
    assert shorten("x" * 300).endswith("…")
    assert len(shorten("x" * 300)) == TITLE_LENGTH
