"""Shared text helpers of the readers."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.sources import cleanup
from indexer.sources.cleanup import (
    MAX_BODY_CHARS,
    cap_body,
    clean_field,
    collapse_ws,
    has_words,
    join_paragraphs,
    line_paragraphs,
    normalize_newlines,
    strip_controls,
    text_to_body,
)


def test_collapse_ws_folds_every_kind_of_space() -> None:
    assert collapse_ws("  a\t b\n\nc\u00a0d\u2003e  ") == "a b c d e"


def test_strip_controls_keeps_whitespace_and_drops_the_rest() -> None:
    assert strip_controls("a\x03b\x1fc\x7fd\x85e\ufefff\tg\nh") == "abcdef\tg\nh"


def test_normalize_newlines() -> None:
    assert normalize_newlines("a\r\nb\rc\fd\u2028e") == "a\nb\nc\nd\ne"


def test_line_paragraphs_groups_lines_between_blank_lines() -> None:
    assert line_paragraphs("\n one\ntwo \n \t\n\nthree\n") == [["one", "two"], ["three"]]


def test_join_paragraphs_drops_empty_ones() -> None:
    assert join_paragraphs(["a  b", " ", "c\nd"]) == "a b\n\nc d"


def test_text_to_body_joins_wrapped_lines() -> None:
    assert text_to_body("First line\nwrapped.\n\n\n  Second\x03 para.  ") == (
        "First line wrapped.\n\nSecond para."
    )


def test_cap_body_prefers_a_paragraph_boundary() -> None:
    body = "a" * 60 + "\n\n" + "b" * 60
    assert cap_body(body, 100) == "a" * 60


def test_cap_body_falls_back_to_a_word_boundary_then_a_hard_cut() -> None:
    assert cap_body("word " * 40, 100) == ("word " * 20).strip()
    assert cap_body("x" * 300, 100) == "x" * 100


def test_cap_body_leaves_short_text_alone() -> None:
    assert cap_body("short", 100) == "short"
    assert MAX_BODY_CHARS == 2_000_000


def test_clean_field() -> None:
    assert clean_field("  A \n title\x03 ") == "A title"
    assert clean_field(" \t ") is None
    assert clean_field(None) is None
    assert clean_field("word " * 1000, 50) == ("word " * 10).strip()


def test_has_words() -> None:
    assert has_words("a b c ok")
    assert not has_words("a 1 ; - ")
    assert not has_words("one two", minimum=3)


_AWKWARD = st.sampled_from(
    [
        "a",
        " ",
        "\n",
        "\t",
        "\x00",
        "\x08",
        "\x1f",
        "\x7f",
        "\x80",
        "\x9f",
        "\xa0",
        "\xc2",
        "é",
        "\ufeff",
        "\ufffe",
        "\uffff",
        "\ufffd",
        "\u20ac",
        "\ud800",
        "\U0001f600",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_AWKWARD, max_size=40), st.integers(0, 5000))
def test_strip_controls_fast_path_agrees_with_the_regex(pieces: list[str], at: int) -> None:
    # Long texts take the byte-level shortcut; it must remove exactly what
    # the regex removes, wherever the controls sit.
    filler = "x" * 5000
    text = filler[:at] + "".join(pieces) + filler[at:]
    assert strip_controls(text) == cleanup._CONTROLS.sub("", text)
