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


def _pages() -> list[str]:
    """Pages written for this test: encodings declared and not, one line, odd starts."""
    body = (
        "<body><h1>Zürich – «Straße» 東京</h1><p>Prix : 3 €, naïve café.</p>"
        "<!-- 3.3.2020 --></body>"
    )
    return [
        f"<!DOCTYPE html>\n<html><head><meta charset='iso-8859-1'><title>T</title></head>"
        f"{body}</html>",
        f"<!DOCTYPE html><html><head><meta http-equiv='Content-Type' "
        f"content='text/html; charset=windows-1252'/></head>{body}</html>",
        f"<html lang='de'><head><meta charset='utf-8'></head>{body}</html>",
        f"<html/>\n<head></head>{body}",
        f"{body}",
        "<p>only a fragment</p>",
        "\ufeff<!doctype html>\n<html><body><p>BOM first 😀</p></body></html>",
        f"<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Strict//EN' />\n<html>{body}</html>",
    ]


def test_the_tree_is_htmldates_tree() -> None:
    # parse_tree parses the UTF-8 bytes first; htmldate parses the text first.
    # The trees must be the same, node for node, with every declared charset.
    from htmldate.utils import load_html
    from lxml import etree

    for page in _pages():
        ours, theirs = parse_tree(page), load_html(page)
        assert (ours is None) == (theirs is None), page
        if ours is not None:
            assert etree.tostring(ours, encoding="unicode") == etree.tostring(
                theirs, encoding="unicode"
            ), page


def test_a_lone_surrogate_falls_back_to_the_text_parse_as_htmldate_reads_it() -> None:
    # No UTF-8 for a lone surrogate: the bytes attempt fails, the text parse
    # gives the tree htmldate gives.
    from htmldate.utils import load_html
    from lxml import etree

    page = "<html><head><title>t</title></head><body><p>Words a\ud800b here</p></body></html>"
    ours, theirs = parse_tree(page), load_html(page)
    assert ours is not None and theirs is not None
    assert etree.tostring(ours) == etree.tostring(theirs)
