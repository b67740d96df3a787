"""HTML pages: trafilatura's main text, bs4's metadata, the fallback."""

from __future__ import annotations

import copy

import pytest

from indexer.errors import SourceError
from indexer.sources import html
from indexer.sources.html import make_soup, parse_html, parse_tree
from indexer.sources.html_meta import page_metadata, strip_site_name, tree_metadata

PARAGRAPHS = (
    "<p>PORT ELLIS – The town library opened again on Monday, eight months after the flood "
    "filled its ground floor and ruined much of the children's collection.</p>"
    "<p>Volunteers carried the last boxes of donated books up the restored stairs on Sunday, "
    "and the librarian said the building was better protected than before.</p>"
)


def page(head: str = "", body: str = PARAGRAPHS) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


def jsonld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


def meta(head: str, body: str = "") -> dict[str, str | None]:
    """The metadata as read from the whole page, checked against the reader's way.

    The reader reads them from its lxml tree (:func:`tree_metadata`); the
    bs4 fallback (no tree) must read the same values.
    """
    markup = f"<html><head>{head}</head><body>{body}</body></html>"
    found = page_metadata(make_soup(markup))
    tree = parse_tree(markup)
    assert tree is not None
    assert tree_metadata(tree) == found
    return {k: getattr(found, k) for k in ("title", "date", "author", "url", "source")}


def test_main_text_is_paragraphs() -> None:
    doc = parse_html("a.html", page())
    assert doc.format == "html"
    assert doc.position is None
    assert doc.body.startswith("PORT ELLIS – The town library")
    assert doc.body.count("\n\n") == 1


def test_title_priority_og_then_jsonld_then_title_then_h1() -> None:
    og = '<meta property="og:title" content="From OG">'
    ld = jsonld('{"@type": "NewsArticle", "headline": "From LD"}')
    title = "<title>From title | Site</title>"
    h1 = "<h1>From h1</h1>"
    assert meta(og + ld + title, h1)["title"] == "From OG"
    assert meta(ld + title, h1)["title"] == "From LD"
    assert meta(title, h1)["title"] == "From title"
    assert meta("", h1)["title"] == "From h1"


def test_date_sources_in_order() -> None:
    ld = jsonld('{"@type": "Article", "datePublished": "2020-01-02"}')
    og = '<meta property="article:published_time" content="2020-01-03T10:00:00Z">'
    assert meta(ld + og)["date"] == "2020-01-02"
    assert meta(og + '<meta name="date" content="2020-01-04">')["date"] == "2020-01-03T10:00:00Z"
    assert meta('<meta name="pubdate" content="20200105">')["date"] == "20200105"
    times = '<time datetime="2019-12-31">x</time>'
    times += '<article><time datetime="2020-01-06">y</time></article>'
    assert meta("", times)["date"] == "2020-01-06"
    assert meta("", '<time datetime="2020-01-07" itemprop="datePublished">z</time>')["date"] == (
        "2020-01-07"
    )


def test_author_forms() -> None:
    people = '[{"@type": "Person", "name": "A. One"}, "B. Two", {"name": "https://x.example/c"}]'
    ld = f'<script type="application/ld+json">{{"@type":"Article","author":{people}}}</script>'
    assert meta(ld)["author"] == "A. One, B. Two"
    assert meta('<meta name="author" content="C. Three">')["author"] == "C. Three"
    url_then_byl = (
        '<meta property="article:author" content="https://facebook.example/d">'
        '<meta name="byl" content="By D. Four">'
    )
    assert meta(url_then_byl)["author"] == "D. Four"
    assert meta("", '<a rel="author" href="/e">E. Five</a>')["author"] == "E. Five"


def test_url_and_source() -> None:
    head = (
        '<link rel="canonical" href="https://a.example/x">'
        '<meta property="og:url" content="https://a.example/og">'
        '<meta property="og:site_name" content="The Site">'
    )
    assert meta(head)["url"] == "https://a.example/x"
    assert meta(head)["source"] == "The Site"
    ld = (
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", '
        '"publisher": {"name": "LD Pub"}, "mainEntityOfPage": {"@id": "https://a.example/ld"}}]}'
        "</script>"
    )
    assert meta(ld) == {
        "title": None,
        "date": None,
        "author": None,
        "url": "https://a.example/ld",
        "source": "LD Pub",
    }


def test_broken_jsonld_is_ignored() -> None:
    broken = '<script type="application/ld+json">{"headline": "x",,}</script>'
    deep = '<script type="application/ld+json">' + "[" * 100_000 + "</script>"
    assert meta(broken + deep + '<meta name="author" content="F. Six">')["author"] == "F. Six"


@pytest.mark.parametrize(
    ("title", "site", "h1", "expected"),
    [
        ("Headline here | The Site", "The Site", None, "Headline here"),
        ("The Site - Headline here", "The Site", None, "Headline here"),
        ("Headline here | Short Tail", None, None, "Headline here"),
        ("Russia says troops - not a threat", None, None, "Russia says troops - not a threat"),
        ("Troops arrive - Caracas Daily", None, "Troops arrive", "Troops arrive"),
        ("Plain headline", "The Site", None, "Plain headline"),
    ],
)
def test_strip_site_name(title: str, site: str | None, h1: str | None, expected: str) -> None:
    assert strip_site_name(title, site, h1) == expected


def test_fallback_when_trafilatura_finds_nothing() -> None:
    short = (
        "<html><body><nav>Home News Sport</nav><main><p>One short line of news.</p></main>"
        "<footer>Copyright</footer></body></html>"
    )
    assert parse_html("a.html", short).body == "One short line of news."


def test_fragment_without_html_or_body() -> None:
    assert parse_html("a.html", "<p>Just a paragraph of text.</p>").body == (
        "Just a paragraph of text."
    )


def test_text_without_markup() -> None:
    assert parse_html("a.html", "No markup\n\nat all here.").body == "No markup\n\nat all here."


def test_leading_h1_repeating_the_title_is_dropped() -> None:
    doc = parse_html(
        "a.html", page("<title>Library reopens</title>", "<h1>Library reopens</h1>" + PARAGRAPHS)
    )
    assert doc.title == "Library reopens"
    assert doc.body.startswith("PORT ELLIS")


@pytest.mark.parametrize(
    "markup",
    [
        "<html><head><title>Only a title</title></head></html>",
        "<html><body><script>var a = 1;" + "a++;" * 2000 + "</script></body></html>",
        "<html><body><nav>Home | News</nav><footer>Copyright 2020</footer></body></html>",
        "<html><body><p>&amp; &lt; 12 34</p></body></html>",
    ],
)
def test_no_article_text(markup: str) -> None:
    with pytest.raises(SourceError, match=r"^no article text in HTML$"):
        parse_html("a.html", markup)


def test_xhtml_with_xml_declaration_parses_without_warnings() -> None:
    xhtml = '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
    doc = parse_html(
        "a.xhtml", xhtml + f"<head><title>X</title></head><body>{PARAGRAPHS}</body></html>"
    )
    assert doc.body.startswith("PORT ELLIS")


def test_page_date_is_the_printed_day_and_the_article_keeps_the_publisher_day() -> None:
    """A New York evening story: UTC metadata says the 20th, the page and URL the 19th."""
    from indexer.extract import build_article

    head = (
        '<meta property="article:published_time" content="2019-11-20T02:59:46Z">'
        '<link rel="canonical" href="https://news.example.com/2019/11/19/library-reopens/">'
    )
    body = '<p class="byline">November 19, 2019</p>' + PARAGRAPHS
    doc = parse_html("a.html", page(head, body))
    assert doc.date == "2019-11-20T02:59:46Z"
    assert doc.page_date == "2019-11-19"
    article = build_article(doc)
    assert article.date == "2019-11-19"
    assert article.published_at == "2019-11-20T02:59:46+00:00"
    assert article.date_source == "url"


def test_non_ascii_canonical_url_is_kept_as_written() -> None:
    """libxml2's HTML serialiser would percent-encode it; the page declares it as is."""
    url = "https://news.example.com/2020/8/24/وزير-الرى"
    assert meta(f'<link rel="canonical" href="{url}">')["url"] == url
    assert parse_html("a.html", page(f'<link rel="canonical" href="{url}">')).url == url


def test_time_inside_heading_and_article_is_found_once_or_twice_alike() -> None:
    nested = '<article><h1>Big news <time datetime="2020-02-03">today</time></h1></article>'
    assert meta("<title>T</title>", '<time datetime="2019-01-01">x</time>' + nested) == {
        "title": "T",
        "date": "2020-02-03",
        "author": None,
        "url": None,
        "source": None,
    }


def test_self_closed_script_hides_its_code_as_a_browser_does() -> None:
    """``<script .../>`` opens a script in a browser: its code is script, not page text."""
    code = "(function() { document.addEventListener('DOMContentLoaded', go); })();"
    markup = page("", f'<div><script type="text/javascript"/>{code}</script>{PARAGRAPHS}</div>')
    tree = parse_tree(html._prepare(markup))
    assert tree is not None
    assert [script.text for script in tree.iter("script")] == [code]
    doc = parse_html("a.html", markup)
    assert "addEventListener" not in doc.body
    assert doc.body.startswith("PORT ELLIS")


def test_comments_and_scripts_stay_out_of_the_body() -> None:
    body = f"<!-- hidden remark about nothing -->{PARAGRAPHS}<script>var secret = 1;</script>"
    doc = parse_html("a.html", page("", body))
    assert "hidden remark" not in doc.body
    assert "secret" not in doc.body


def test_page_too_big_for_trafilatura_falls_back_to_visible_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the size bound, no trafilatura and no htmldate: the bs4 text, no crash."""
    monkeypatch.setattr(html, "MAX_TRAFILATURA_CHARS", 100)
    doc = parse_html("a.html", page("<title>Library</title>", PARAGRAPHS))
    assert doc.body.startswith("PORT ELLIS")
    assert doc.page_date is None
    assert doc.title == "Library"


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><p>Unclosed <b>bold <i>and italic text about the library reopening"
        " after the flood, eight months later.</p></div></span></body>",
        "<div>" * 5000
        + "Deeply nested text about the library reopening after the flood."
        + "</div>" * 5000,
        "\ufeff<html><body><p>Caf\u00e9 cr\u00e8me \u2014 the library reopened after the flood"
        " on Monday.</p></body></html>",
    ],
)
def test_malformed_pages_still_give_text(markup: str) -> None:
    doc = parse_html("a.html", markup)
    assert "library reopen" in doc.body


def test_metadata_of_a_page_on_one_line_survives_the_doctype_repair() -> None:
    """htmldate's doctype repair runs to the first ``/>`` of line one; the head is still read."""
    head = (
        '<meta property="og:title" content="Library reopens">'
        '<meta property="article:published_time" content="2021-06-14T08:30:00+02:00">'
        '<link rel="canonical" href="https://news.example.com/library"/>'
    )
    doc = parse_html("a.html", page(head).replace("\n", " "))
    assert (doc.title, doc.date, doc.url) == (
        "Library reopens",
        "2021-06-14T08:30:00+02:00",
        "https://news.example.com/library",
    )
    assert doc.body.startswith("PORT ELLIS")


# -- trafilatura's fast mode and its guard (issue 16) --------------------------

_TEASER = (
    "<p>Port Ellis will get its harbour back: after two winters of storms and a year of "
    "arguing about money, the harbour board has found the funds, and the work on the piers, "
    "the quays and the sea wall starts in the new year. Here is what the fishermen, the "
    "builders and the people of the town can expect from the plan.</p>"
)
_WORKS = ["north pier", "south quay", "fish market", "old lighthouse", "ferry ramp", "boat yard"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August"]


def _story_paragraphs(count: int) -> str:
    return "".join(
        f"<p>Work on the {_WORKS[i % 6]} (part {i + 1}) is to begin in {_MONTHS[i % 8]}, the "
        f"harbour board said, and {i + 3} crews will take part in it; the board expects it to "
        f"cost about {i + 2} million and to be finished within {i + 10} months.</p>"
        for i in range(count)
    )


def _fast_and_page_words(markup: str) -> tuple[str, int]:
    import trafilatura

    tree = parse_tree(markup)
    assert tree is not None
    page_words = html._word_count(copy.deepcopy(tree))
    return trafilatura.extract(copy.deepcopy(tree), **html.FAST_OPTIONS) or "", page_words


def test_guard_recovers_the_story_the_fast_mode_misses() -> None:
    # The teaser sits in the page's first "entry-content" block, the story in a
    # second one: trafilatura's own rules stop at the first; readability (the
    # full mode's second opinion) finds the long one.
    markup = (
        "<html><head><title>Harbour works</title></head><body><div id='page'>"
        f"<div class='entry-content intro'>{_TEASER}</div><div class='text-wrapper'>"
        f"<div class='entry-content text'>{_story_paragraphs(24)}</div></div></div></body></html>"
    )
    fast, page_words = _fast_and_page_words(markup)
    assert "part 24" not in fast  # the fixture does what it claims: fast mode loses the story
    assert html.fast_text_suspect(fast, page_words)
    doc = parse_html("harbour.html", markup)
    assert "Work on the north pier (part 1) is to begin in January" in doc.body
    assert "(part 24)" in doc.body


def test_guard_keeps_the_fast_text_of_an_ordinary_page() -> None:
    markup = page(body=_story_paragraphs(8))
    fast, page_words = _fast_and_page_words(markup)
    assert "(part 8)" in fast
    assert not html.fast_text_suspect(fast, page_words)
    assert not html.fast_text_suspect("one two three", 20)
    assert html.fast_text_suspect("", 20)
    assert html.fast_text_suspect(None, 20)
    assert html.fast_text_suspect("one two", 100)


def test_warm_up_loads_what_the_workers_share() -> None:
    # Run in the parent before the workers fork (runs of >= 100 pages); it
    # must work on its own and leave dateparser's parser built.
    from htmldate.extractors import get_external_parser

    html.warm_up()
    assert get_external_parser.cache_info().currsize == 1
    assert parse_html("a.html", page()).body.startswith("PORT ELLIS")


# -- one tree for all readers, trimmed for trafilatura (issue 16, stop 21) -----

_BUSY_PAGE = (
    "<!DOCTYPE html>\n<html lang='en'><head><title>Harbour works | Coast Post</title>"
    "<meta property='og:title' content='Harbour works'>"
    "<link rel='canonical' href='https://coast.example/2021/03/04/harbour'></head><body>"
    "<header><nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
    "</header><main><article><h1>Harbour works</h1>"
    "<svg viewBox='0 0 10 10'><title>share icon</title><path d='M0 0h10v10z'/></svg>"
    f"{_TEASER}<picture><source srcset='a.webp'><img src='a.jpg' alt='the pier'></picture>"
    "<video src='pier.mp4'>Your browser cannot play this video.</video>"
    f"{_story_paragraphs(6)}<aside><h3>Related</h3><p>Ferry prices rise again in the spring "
    "season, the ferry company told its customers on Tuesday.</p></aside>tail after the aside"
    "<form><label>Your email</label><input name='email'><button>Subscribe</button></form>"
    "<p>Published <time datetime='2021-03-04'>4 March 2021</time>.</p>"
    "</article></main><footer><p>Copyright 2021 Coast Post, all rights reserved.</p></footer>"
    "</body></html>"
)


def test_parse_tree_is_htmldates_tree_with_plain_elements() -> None:
    from htmldate.utils import load_html
    from lxml import etree
    from lxml.html import HtmlElement

    one_line = "<!DOCTYPE html><html><head><title>One</title></head><body><p>Text</p></body></html>"
    not_html = "just a line of text, no markup at all"
    fragment = "<p>A paragraph alone, without a document around it.</p>"
    for markup in (_BUSY_PAGE, one_line, not_html, fragment, page()):
        ours, theirs = parse_tree(markup), load_html(markup)
        assert (ours is None) == (theirs is None), markup
        if ours is not None:
            assert etree.tostring(ours) == etree.tostring(theirs)
    tree = parse_tree(_BUSY_PAGE)
    assert tree is not None
    # Form controls are plain elements too (lxml.html's own lookup makes InputElement...).
    assert {type(element) for element in tree.iter(tag=etree.Element)} == {HtmlElement}
    assert [element.tag for element in tree.iter("input", "form")] == ["form", "input"]


def test_prune_discarded_drops_what_trafilatura_deletes_and_keeps_tails() -> None:
    from lxml import etree

    tree = parse_tree(_BUSY_PAGE)
    assert tree is not None
    html.prune_discarded(tree)
    tags = {element.tag for element in tree.iter(tag=etree.Element)}
    assert not tags & {"head", "svg", "aside", "footer", "picture", "source", "video", "input"}
    # Form controls go too (bench/html_prune.py: no check changed without them)...
    assert not tags & {"label", "button"}
    # ...while the navigation, forms and dates trafilatura's page measure counts stay.
    assert {"nav", "form", "time", "h1", "article"} <= tags
    text = tree.text_content()
    assert "tail after the aside" in text
    assert "Subscribe" not in text and "Your email" not in text and "News" in text
    assert "Ferry prices" not in text and "Copyright" not in text and "share icon" not in text


def test_fast_text_is_the_same_on_the_pruned_tree() -> None:
    import trafilatura

    whole = parse_tree(_BUSY_PAGE)
    pruned = parse_tree(_BUSY_PAGE)
    assert whole is not None and pruned is not None
    expected = trafilatura.extract(whole, **html.FAST_OPTIONS)
    assert expected and "(part 6)" in expected
    assert trafilatura.extract(html.prune_discarded(pruned), **html.FAST_OPTIONS) == expected
    doc = parse_html("harbour.html", _BUSY_PAGE)
    assert doc.title == "Harbour works"
    assert doc.url == "https://coast.example/2021/03/04/harbour"
    assert "Work on the north pier (part 1) is to begin in January" in doc.body
    assert "Ferry prices" not in doc.body and "Copyright" not in doc.body
