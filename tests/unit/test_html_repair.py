"""The reader's copy-free doctype repair gives htmldate's repaired string exactly.

``indexer.sources.html.repair_markup`` replaces ``htmldate.utils.repair_faulty_html``
on the hot path (issue 16): the trees trafilatura and htmldate read must not
change, so the strings must be equal, quirks included.
"""

from __future__ import annotations

from htmldate.utils import repair_faulty_html
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.sources.html import parse_tree, repair_markup

_PIECES = st.sampled_from(
    [
        "<!DOCTYPE html>",
        "<!doctype html PUBLIC '-//W3C//DTD XHTML 1.0//EN' />",
        "< ! DOCTYPE html/>",
        "<!DOCTYPE html SYSTEM 'about:legacy-compat' / >",
        "<html/>",
        "<html lang='en' />",
        "<html>",
        "<head><meta charset='utf-8'/></head>",
        "<body><p>Text</p><br/></body>",
        "</html>",
        "\n",
        "\r\n",
        " ",
        "x",
        "/>",
        "<p>",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=14))
def test_repair_markup_equals_htmldates_repair(pieces: list[str]) -> None:
    markup = "".join(pieces)
    beginning = markup[:50].lower()
    assert repair_markup(markup, beginning) == repair_faulty_html(markup, beginning)


def test_a_one_line_page_loses_its_head_and_gains_a_line_break_as_with_htmldate() -> None:
    page = (
        "<!DOCTYPE html><html><head><link rel='x'/><title>T</title></head>"
        "<body><p>Body</p></body></html>"
    )
    repaired = repair_markup(page, page[:50].lower())
    assert repaired == repair_faulty_html(page, page[:50].lower())
    assert repaired.startswith("<title>T</title>") and repaired.endswith("\n")


def test_a_self_closed_html_tag_in_the_first_lines_is_opened() -> None:
    page = "<!DOCTYPE html>\n<html lang='en' />\n<body><p>Words here</p></body>"
    repaired = repair_markup(page, page[:50].lower())
    assert "<html lang='en'>" in repaired
    tree = parse_tree(page)
    assert tree is not None and tree.findtext(".//p") == "Words here"
