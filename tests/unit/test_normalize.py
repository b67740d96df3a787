"""clean_text and fold_punctuation on tiny inline strings."""

from __future__ import annotations

import pytest

from indexer.normalize import clean_text, fold_punctuation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        ("   \n\t ", ""),
        ("  Hello   world  ", "Hello world"),
        ("one\ntwo", "one two"),
        ("para one\n\npara two", "para one\n\npara two"),
        ("para one\n\n\n\n  para two", "para one\n\npara two"),
        ("wire line one\n    indented paragraph", "wire line one\n\nindented paragraph"),
        ("a\r\nb\r\n\r\nc", "a b\n\nc"),
        ("AT&amp;T &lt;T&gt; &#233;t&#xE9;", "AT&T <T> été"),
        ("ﬁnance ①", "finance 1"),  # NFKC compatibility forms
        ("bell\x07 and\x00 nul\x1b", "bell and nul"),
        ("&#3;end of story", "end of story"),  # an entity that decodes to a control
        ("soft\u00adhyphen zero\u200bwidth \ufeffbom", "softhyphen zerowidth bom"),
        ("line\u2028sep\u2029para", "line sep\n\npara"),
        # Not hard wrapped (a line of 101 characters or more in four): a line is a paragraph.
        ("Matthew Ingram\nWriting " + "x" * 100, "Matthew Ingram\n\nWriting " + "x" * 100),
        ("Head\nCredit\nA\n" + "y" * 101, "Head\n\nCredit\n\nA\n\n" + "y" * 101),
        ("Head\nCredit\nA\nB\n" + "y" * 101, "Head Credit A B " + "y" * 101),
        ("wrapped at\n" + "z" * 100, "wrapped at " + "z" * 100),  # 100 fits a wrap width
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_keeps_quotes_dashes_and_scripts() -> None:
    text = "“Russia has to get out” – he said — ‘yes’ Москва 東京 مرحبا"
    assert clean_text(text) == text


def test_clean_text_drops_lone_surrogates() -> None:
    assert clean_text("a\ud800b") == "ab"


def test_clean_text_is_idempotent() -> None:
    raw = "  A&amp;B\n\n\n  x\ty  \r\n\u00a0z "
    assert clean_text(clean_text(raw)) == clean_text(raw)


def test_clean_text_on_a_huge_string() -> None:
    text = ("word " * 200_000 + "\n\n") * 3
    cleaned = clean_text(text)
    assert cleaned.count("\n\n") == 2
    assert cleaned.startswith("word word")


def test_a_paragraph_past_the_split_limit_collapses_the_same() -> None:
    """Huge paragraphs take the regex path; the result must not change."""
    piece = " a\u00a0 b\t\x1c c \u3000 d\n e  "
    small = clean_text(piece)
    huge = clean_text(piece * (2_000_000 // len(piece)))
    assert len(huge) > 1 << 20
    assert huge == " ".join([small] * (2_000_000 // len(piece)))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("“quoted” ‘single’", "\"quoted\" 'single'"),
        ("Trump’s", "Trump's"),
        ("1987–88 — −5", "1987-88 - -5"),
        ("wait…", "wait..."),
        ("no\u00a0break", "no break"),
        ("plain ASCII stays", "plain ASCII stays"),
    ],
)
def test_fold_punctuation(raw: str, expected: str) -> None:
    assert fold_punctuation(raw) == expected
