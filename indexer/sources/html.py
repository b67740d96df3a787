"""HTML news pages: main text by trafilatura, metadata read from the same lxml tree.

One parse per page (issue 16): lxml parses the markup once. The metadata
code reads the few elements it looks at (``<meta>``, ``<title>``, ``<h1>``,
``<link rel>``, ``<a rel>``, ``<time>``, JSON-LD) from that tree with one
XPath (:func:`~indexer.sources.html_meta.tree_metadata`); htmldate reads it
next (it prunes a copy); then trafilatura gets the tree itself, without
scripts and styles, and without the elements its every pass deletes anyway
(:data:`DISCARDED_TAGS`: its passes walk a smaller tree). beautifulsoup4
builds a whole-page document only for the fallbacks (no lxml tree, no main
text).

trafilatura runs in its fast mode first (its own extractor without the
readability/jusText second opinion: 19 instead of 25 CPU-ms per page on the
html-news pages), and the full extraction re-does the page only when the
fast text looks wrong (:func:`fast_text_suspect`, tuned by
``bench/html_guard.py``).

Why two libraries (measured on ``tests/fixtures/sources``; see
``docs/sources.md``): trafilatura is good at telling the article from the
page around it (navigation, ads, comments, related links, scripts), which a
generic parser cannot do; but its metadata comes out interpreted (dates
normalised by htmldate, sometimes guessed from URLs or body text), while a
reader must hand over the raw strings the page declares. lxml (or beautifulsoup4) reads
those declarations exactly: Open Graph and ``<meta>`` tags, JSON-LD, ``<time>``
(:mod:`indexer.sources.html_meta`).

When trafilatura finds no main text (a page that is all script, a very
short page, one nested beyond libxml2's depth limit), the visible text of
``<article>``/``<main>``/``<body>`` without navigation, header, footer,
asides, scripts, styles and forms is used instead.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
import warnings
from collections.abc import Callable
from typing import Any

import lxml.html
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from bs4.element import CData, NavigableString, Tag
from lxml import etree
from lxml.html import HtmlElement

from indexer.errors import SourceError
from indexer.model import RawDocument
from indexer.sources.cleanup import (
    MAX_WORK_CHARS,
    cap_body,
    has_words,
    join_paragraphs,
    line_paragraphs,
    normalize_newlines,
    strip_controls,
    text_to_body,
)
from indexer.sources.decode import decode_bytes
from indexer.sources.html_meta import page_metadata, tree_metadata

log = logging.getLogger(__name__)

#: beautifulsoup4 builds a Python object per node (~10x the markup in memory),
#: so metadata and the fallback text look at no more than this much markup.
MAX_SOUP_CHARS = 4_000_000

#: trafilatura's memory and time grow steeply on huge pages (a 5 MB page
#: costs it ~70 MB and seconds); past this many characters of markup
#: (scripts and styles removed) the bs4 fallback extracts the text alone.
MAX_TRAFILATURA_CHARS = 3_000_000

#: How trafilatura is asked for the main text: its own balance and its
#: second-chance algorithms (readability, jusText). Measured on the 764 pages
#: of html-news/trafilatura (``bench/html_quality.py``), ``favor_precision``
#: with ``fast`` lost 30 must/must-not checks (4,181 vs 4,211 of 4,578),
#: mostly article paragraphs dropped as boilerplate. Comments stay out.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "output_format": "txt",
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "fast": False,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "with_metadata": False,
}
#: trafilatura's fast mode: its own extractor only, without the second
#: opinions (readability, jusText), about a fifth of its time. Asked first;
#: :func:`fast_text_suspect` decides when its text is not to be trusted and
#: the full extraction runs after all.
FAST_OPTIONS: dict[str, Any] = {**TRAFILATURA_OPTIONS, "fast": True}
#: On a short page the balanced mode returns the navigation as "text"; below
#: this many characters the precise mode is asked instead, and the bs4
#: fallback (limited to the page's main container) is the last chance.
SHORT_TEXT_CHARS = 250
PRECISE_OPTIONS: dict[str, Any] = {**TRAFILATURA_OPTIONS, "favor_precision": True, "fast": True}

#: htmldate's parser settings (``htmldate.utils.HTML_PARSER``), with a C-level
#: class lookup: elements are plain :class:`HtmlElement` (lxml.html's own
#: lookup is a Python method called for every element proxy made, and only
#: adds form-control classes nothing here uses). One per process: lxml
#: parsers are not shared between threads, and indexing workers are processes.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, encoding="utf-8", remove_pis=True
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)

_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b", re.IGNORECASE)

# An internal DTD subset (<!DOCTYPE x [ <!ENTITY ...> ]>): HTML parsers do not
# expand its entities, but its text would leak into the page text.
_INTERNAL_SUBSET = re.compile(r"<!DOCTYPE[^\[>]{0,1000}\[[^\]]*\]\s*>", re.IGNORECASE)
_PROCESSING_INSTRUCTION = re.compile(r"<\?[^<>]{0,1000}\?>")
# ``<script .../>``: browsers ignore the slash and read what follows as script
# up to ``</script>``; libxml2 would close the element and show the code as text.
_SELF_CLOSED_SCRIPT = re.compile(r"<(script|style)\b([^<>]{0,2000}?)\s*/>", re.IGNORECASE)
_UNRESOLVED_ENTITY = re.compile(r"&#?[A-Za-z0-9]{1,32};")

_NON_CONTENT = [
    "head",
    "title",
    "nav",
    "header",
    "footer",
    "aside",
    "script",
    "style",
    "noscript",
    "template",
    "form",
    "iframe",
    "svg",
    "button",
    "select",
    "textarea",
    "object",
    "embed",
    "canvas",
]
_BLOCKS = [
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "br",
    "hr",
    "address",
    "details",
    "summary",
]
_BLOCK_NAMES = frozenset(_BLOCKS) | {"body", "html", "[document]"}


def read_html(path: str, data: bytes) -> list[RawDocument]:
    """Decode an HTML file (its ``<meta charset>`` respected) and parse it."""
    return [parse_html(path, decode_bytes(data, html=True).text)]


def parse_html(path: str, markup: str) -> RawDocument:
    """One :class:`RawDocument` from an HTML page.

    Body paragraphs are separated by ``"\\n\\n"``; the body is capped at
    :data:`~indexer.sources.cleanup.MAX_BODY_CHARS` characters. Raises
    :class:`SourceError` ``('no article text in HTML')`` when neither
    trafilatura nor the visible-text fallback finds words.
    """
    markup = _prepare(markup)
    if "<" not in markup:  # no markup at all: it is plain text
        body = text_to_body(markup)
        if not has_words(body):
            raise SourceError("no article text in HTML")
        return RawDocument(path=path, position=None, format="html", body=body)
    tree = parse_tree(markup[:MAX_SOUP_CHARS])
    meta_tree = _metadata_tree(markup[:MAX_SOUP_CHARS], tree)
    meta = tree_metadata(meta_tree) if meta_tree is not None else page_metadata(_soup(markup))
    page_date = _page_date(path, tree, meta.url) if len(markup) <= MAX_TRAFILATURA_CHARS else None
    # Nothing reads ``tree`` after this: trafilatura may take it as it is.
    body = ""
    fresh = _trafilatura_input(path, markup, tree)
    if fresh is not None:
        body = _main_text(path, fresh)
    body = body or visible_text(_soup(markup))
    if not _has_real_words(body):
        raise SourceError("no article text in HTML")
    body = _drop_leading_title(body, meta.title)
    return RawDocument(
        path=path,
        position=None,
        format="html",
        body=cap_body(body),
        title=meta.title,
        date=meta.date,
        page_date=page_date,
        author=meta.author,
        url=meta.url,
        source=meta.source,
    )


def parse_tree(markup: str) -> HtmlElement | None:
    """The page's one lxml tree, parsed as htmldate and trafilatura would parse it.

    ``None`` when libxml2 makes no HTML document of it (trafilatura's own
    test: a dubious start and fewer than two children); the bs4 path then
    reads what it can.

    The steps are htmldate's ``load_html`` for a string (its doctype
    repair, its parser settings, its bytes and text attempts and rejection
    test), with two differences that change no tree: the bytes are parsed
    first (see below), and :data:`_PARSER` gives every element
    the plain :class:`HtmlElement` class without asking lxml.html's
    Python-level class lookup for each element proxy (measured at ~1 of the
    ~15 ms trafilatura takes per page, and more in htmldate and the
    metadata lookups, which walk the same tree).
    """
    # htmldate's parser keeps comments (some pages print their date in one);
    # trafilatura's copy drops them (see _trafilatura_input), as its own would.
    from htmldate.utils import is_dubious_html  # heavy: once HTML is read

    beginning = markup[:50].lower()
    repaired = repair_markup(markup, beginning)
    tree: Any = None
    try:
        # UTF-8 bytes first: libxml2 reads them as they are (the parser's
        # encoding is fixed), while a str is handed over in Python's internal
        # width and converted; 1.8 instead of 2.2 ms per html-news page, the
        # same trees (``tests/unit/test_html_repair.py``; all 1,760 pages
        # compared in bench/RESULTS.md). htmldate parses the str first and
        # its bytes second; either way the first tree with children is kept.
        tree = lxml.html.fromstring(repaired.encode("utf-8"), parser=_PARSER)
    # libxml2 on arbitrary text (or a lone surrogate, which has no UTF-8): a
    # failure only means no tree yet (the str retry below, then the bs4
    # fallback, read the page instead).
    except Exception:
        log.debug("lxml could not parse the page's bytes; trying its text", exc_info=True)
        tree = None
    if tree is None or len(tree) < 1:
        try:
            tree = lxml.html.fromstring(repaired, parser=_PARSER)
        except Exception:  # "Unicode strings with encoding declaration", libxml2 errors
            log.warning("lxml could not parse the page", exc_info=True)
            return None
    if not isinstance(tree, HtmlElement) or (is_dubious_html(beginning) and len(tree) < 2):
        return None
    return tree


def repair_markup(markup: str, beginning: str) -> str:
    """htmldate's ``repair_faulty_html``, the same string without copying the page.

    Its doctype repair rebuilds the page from its first line and the rest
    (two copies), its first regex runs over the whole first line (a page
    written on one line) and it splits off the first lines with a copy of
    the rest: 0.6 ms per html-news page, against ~0.02 ms here. Both steps
    are kept exactly, quirks included: a page without a line break gains
    one at its end, as ``partition`` + ``"\\n"`` gave it
    (``tests/unit/test_html_repair.py`` compares the two).
    """
    from htmldate.utils import DOCTYPE_TAG, FAULTY_HTML

    if "doctype" in beginning:
        newline = markup.find("\n")
        if newline == -1:
            found = DOCTYPE_TAG.match(markup)
            markup = (markup[found.end() :] if found is not None else markup) + "\n"
        else:
            found = DOCTYPE_TAG.match(markup, 0, newline)
            if found is not None:
                markup = markup[found.end() :]
    start = 0
    for _ in range(4):  # htmldate looks at the first four lines only
        end = markup.find("\n", start)
        line = markup[start:] if end == -1 else markup[start:end]
        if "<html" in line and line.rstrip("\r").endswith("/>"):
            return FAULTY_HTML.sub(r"\1>", markup, count=1)
        if end == -1:
            break
        start = end + 1
    return markup


_DOCTYPE_DECLARATION = re.compile(r"< ?! ?DOCTYPE[^>]*>", re.IGNORECASE)


def _metadata_tree(markup: str, tree: HtmlElement | None) -> HtmlElement | None:
    """The tree metadata is read from: ``tree``, unless htmldate's repair cut the head.

    Before parsing, htmldate and trafilatura remove the doctype with a
    pattern that runs to the first ``/>`` of the first line; on a page
    written on one line that takes the ``<head>`` with it (94 of the 996
    html-news pages lose more than the declaration). Their trees stay as
    they always were (their own results depend on them); metadata is then
    read from a second parse of the page as written, as bs4 read it.
    """
    if tree is None or "doctype" not in markup[:50].lower():
        return tree
    from htmldate.utils import DOCTYPE_TAG

    newline = markup.find("\n")
    first_line_end = len(markup) if newline == -1 else newline  # matched in place: no copy
    cut = DOCTYPE_TAG.match(markup, 0, first_line_end)
    declaration = _DOCTYPE_DECLARATION.match(markup, 0, first_line_end)
    if cut is None or (declaration is not None and cut.end() <= declaration.end()):
        return tree
    try:
        return lxml.html.document_fromstring(markup)
    # As in parse_tree: no tree means the bs4 path reads the page.
    except Exception:
        log.warning("lxml could not parse the page's head", exc_info=True)
        return None


def _soup(markup: str) -> BeautifulSoup:
    """The whole page as bs4 sees it: only for the fallback paths (rare)."""
    return make_soup(markup[:MAX_SOUP_CHARS])


def _trafilatura_input(
    path: str, markup: str, tree: HtmlElement | None
) -> Callable[[], HtmlElement | str] | None:
    """What trafilatura reads, made fresh on each call: ``tree`` without
    scripts and styles (trafilatura prunes the tree it is given).

    The first call hands over ``tree`` itself (its other readers are done
    with it); a second attempt (the full extraction after the fast one, the
    precise mode) parses the page again, which on the few pages that need
    it costs less than copying every page's tree.

    ``None`` when the page is too big for it. trafilatura discards scripts
    anyway; removing them first saves it cleaning megabytes of inline
    JavaScript state. Without a tree it gets the markup without scripts.
    """
    if len(markup) > MAX_TRAFILATURA_CHARS or tree is None:
        content = without_scripts(markup)
        if len(content) > MAX_TRAFILATURA_CHARS:
            log.info("%s: %d characters of markup, too big for trafilatura", path, len(content))
            return None
        return lambda: content

    unused = [tree]

    def stripped() -> HtmlElement | str:
        fresh = unused.pop() if unused else parse_tree(markup)
        if fresh is None:  # libxml2 is deterministic: it parsed this page before
            return without_scripts(markup)
        etree.strip_elements(fresh, etree.Comment, "script", "style", with_tail=False)
        return fresh

    return stripped


def _prepare(markup: str) -> str:
    markup = strip_controls(markup[:MAX_WORK_CHARS])
    if "<!" in markup[:4096]:
        markup = _INTERNAL_SUBSET.sub("", markup, count=1)
    if "<?" in markup:
        markup = _PROCESSING_INSTRUCTION.sub("", markup)
    return _SELF_CLOSED_SCRIPT.sub(r"<\1\2>", markup)


def without_scripts(markup: str) -> str:
    """``markup`` without ``<script>``/``<style>`` elements (linear, str.find based).

    trafilatura discards them anyway; removing them first saves it parsing
    megabytes of inline JavaScript state. JSON-LD metadata is read from the
    full markup, not from this.
    """
    lowered = markup.lower()
    pieces: list[str] = []
    position = 0
    for match in _SCRIPT_OR_STYLE.finditer(lowered):
        if match.start() < position:
            continue  # inside an element already cut
        pieces.append(markup[position : match.start()])
        end = lowered.find(f"</{match.group(1)}", match.end())
        if end == -1:
            return "".join(pieces)  # unclosed: the rest is script
        close = lowered.find(">", end)
        position = close + 1 if close != -1 else len(markup)
    pieces.append(markup[position:])
    return "".join(pieces)


def make_soup(markup: str) -> BeautifulSoup:
    """Parse with lxml (fast, tolerant; builds deep trees without recursion).

    The two bs4 warnings silenced here are about the *caller's* choice of
    input (XML-looking text, text that looks like a URL or file name); for a
    reader of arbitrary files both are expected and handled.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
        warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "lxml")


def _main_text(path: str, fresh: Callable[[], HtmlElement | str]) -> str:
    """trafilatura's main text, as paragraphs; ``""`` when it finds none.

    ``fresh()`` gives the page (markup or a tree of its own) for each attempt.
    The fast mode is asked first; the full extraction (readability and
    jusText as second opinions) only when :func:`fast_text_suspect` says the
    fast text does not look like the page's article, or when there is no
    tree to measure the page by.
    """
    import trafilatura  # heavy import (~0.3 s): only when an HTML file is read

    try:
        page = fresh()
        if isinstance(page, str):
            text = trafilatura.extract(page, **TRAFILATURA_OPTIONS)
        else:
            page_words = _word_count(page)  # the guard was tuned on the whole page's words
            text = trafilatura.extract(prune_discarded(page), **FAST_OPTIONS)
            if fast_text_suspect(text, page_words):
                text = trafilatura.extract(fresh(), **TRAFILATURA_OPTIONS)
        if not text or len(text) < SHORT_TEXT_CHARS:
            text = trafilatura.extract(fresh(), **PRECISE_OPTIONS)
    # trafilatura is a third-party heuristic run on arbitrary pages; whatever
    # it trips over, the bs4 fallback below still gets a chance, and the log
    # keeps the path so the failure can be reported upstream.
    except Exception:
        log.warning(
            "trafilatura failed on %s; using the visible-text fallback", path, exc_info=True
        )
        return ""
    if not text:
        return ""
    return join_paragraphs(normalize_newlines(text).split("\n"))


#: Elements that every pass of trafilatura deletes with their content, and
#: whose deletion here changes no must/must-not check: deleted once before
#: the fast extraction, so that none of its passes (three tree copies, a
#: dozen XPath scans with regular expressions, its page-text measure) walks
#: them again. Three kinds: what both its main cleaning
#: (``trafilatura.settings.MANUALLY_CLEANED``) and its page-text measure and
#: baseline (``BASIC_CLEAN_XPATH``, the body only) delete (``aside``,
#: ``footer``, ``svg``, ``fencedframe``, ``head``); embedded media, which
#: have no text (``picture``, ``video``...); and, since issue 16's stop 22,
#: form controls and frames (``button``, ``label``, ``select``/``option``,
#: ``iframe``...): their text counts in the page measure that decides
#: trafilatura's recall retry, yet deleting them changed the checks of no
#: page of html-news/trafilatura (3 bodies of 764 differ by a few words) and
#: saves ~1.7 of ~20 CPU-ms per page (``bench/html_prune.py``). Not here,
#: although its main cleaning deletes them: ``nav``/``menu`` (~1.2 ms more,
#: but 4 checks lost on the test half, 8 bodies changed), ``noscript`` (5
#: checks lost on a train-half page), ``form`` (kept as a ``<div>`` when it
#: holds most of the text), ``figure`` (kept when it holds a table),
#: ``math`` (formulas salvaged), ``time``. Only the tags the installed
#: trafilatura also deletes are deleted (:func:`_discarded_tags`).
DISCARDED_TAGS = (
    "aside", "footer", "svg", "fencedframe", "head",
    "picture", "video", "audio", "canvas", "object", "embed", "map", "input", "link",
    # form controls and frames (bench/html_prune.py groups "controls" and "frames")
    "button", "label", "select", "option", "optgroup", "datalist", "textarea",
    "fieldset", "legend", "output", "progress", "dialog",
    "iframe", "frame", "frameset", "applet", "param", "source", "track", "area", "use",
)  # fmt: skip


@functools.cache
def _discarded_tags() -> tuple[str, ...]:
    from trafilatura.settings import MANUALLY_CLEANED

    return tuple(tag for tag in DISCARDED_TAGS if tag in MANUALLY_CLEANED)


def prune_discarded(tree: HtmlElement) -> HtmlElement:
    """``tree`` without the elements trafilatura would delete anyway (their tails kept)."""
    etree.strip_elements(tree, *_discarded_tags(), with_tail=False)
    return tree


#: The guard on the fast mode, tuned on the train half of html-news/trafilatura
#: (``bench/html_guard.py``): a fast text under this share of the page's
#: words (scripts and styles out) is re-done by the full extraction. On the
#: 764 pages: 4,209 must/must-not checks pass (full extraction always: 4,208;
#: fast mode only: 4,196; trafilatura's defaults: 4,194) with 4% of the pages
#: re-done. A minimum word count as well (the grid's other axis) re-did far
#: more pages for no gain on the train half.
FAST_MIN_SHARE = 0.1


def fast_text_suspect(text: str | None, page_words: int) -> bool:
    """Whether trafilatura's fast-mode text should be re-done by its full extraction.

    The full mode differs where trafilatura's own extractor under-delivers:
    nothing found, or a text that is a small part of the page's words
    (readability then often finds the article the rules missed: a page of
    ``<div>``s and ``<br>``s, a story split into blocks the rules drop).
    Everywhere else both modes give the same text or nearly, and the fast
    one costs about a fifth less.
    """
    if not text:
        return True
    return len(text.split()) < FAST_MIN_SHARE * page_words


def _word_count(tree: HtmlElement) -> int:
    """Words of the page's text (a tree without scripts and styles)."""
    return len(tree.text_content().split())


def warm_up() -> None:
    """Load what every HTML page needs, once, in the process that forks the workers.

    trafilatura, htmldate and dateparser are imported on the first page and
    load data on first use (dateparser's month names of every locale, its
    parser; trafilatura's tables); a forked worker that finds them loaded
    shares those pages with its parent instead of paying for them again.
    A throwaway page runs both libraries once to get there.
    """
    import trafilatura
    from htmldate import find_date
    from htmldate.extractors import get_external_parser, month_words

    month_words()
    # A string no locale reads makes dateparser try (and compile its word
    # splitter for) every locale: ~1.9 CPU-s, which each worker paid again
    # as soon as one of its pages had such a date-like string.
    get_external_parser().get_date_data("12 janvier 2019")
    get_external_parser().get_date_data("Qxz 12 Zqx 2019")
    sample = (
        "<html><head><title>Warm-up</title></head><body><article><p>"
        + "Words of a page that only warms the readers up, published 3 March 2020. " * 8
        + "</p></article></body></html>"
    )
    tree = parse_tree(sample)
    if tree is not None:
        find_date(tree, original_date=True)
        trafilatura.extract(copy.deepcopy(tree), **TRAFILATURA_OPTIONS)


def _page_date(path: str, tree: HtmlElement | None, url: str | None) -> str | None:
    """The publication day the page prints, as htmldate reads it (``YYYY-MM-DD``).

    Why htmldate: pages print their date in every language and layout
    (``Donnerstag, 15.2.2018``, ``Publié le 3 mars``) and often declare
    none; htmldate weighs the printed dates, the URL and the metadata and
    tells the original date from an "updated" one. On the html-news set it
    finds the expected day on 90.8% of pages against 67.8% for the declared
    metadata alone (``bench/html_quality.py``). The declared date is still
    read separately (:mod:`indexer.sources.html_meta`): it carries the time
    and zone, and :func:`indexer.extract.dates.publication_date` weighs the two.
    """
    from htmldate import find_date  # imported with trafilatura, on first HTML page

    if tree is None:
        return None  # htmldate parses as trafilatura does: it would find no tree either
    try:
        # Given a tree, htmldate prunes a copy of it: ``tree`` stays whole.
        found = find_date(tree, original_date=True, url=url)
    # Like trafilatura above: a third-party heuristic on arbitrary pages; a
    # failure only means the page's printed date is unknown.
    except Exception:
        log.warning("htmldate failed on %s", path, exc_info=True)
        return None
    return found or None


def visible_text(soup: BeautifulSoup) -> str:
    """Visible text of the page's main container, as paragraphs (mutates ``soup``).

    A paragraph break goes wherever the nearest enclosing block element
    changes between two strings, which handles both block starts and text
    after a block ends. One pass over the tree, no recursion, linear even on
    10,000 nested elements (bs4's ``insert_after`` is not: it walks the subtree).
    """
    root = soup.find("article") or soup.find("main") or soup.body or soup
    if not isinstance(root, Tag):
        return ""
    for tag in root.find_all(_NON_CONTENT):
        if not tag.decomposed:
            tag.decompose()
    blocks: dict[int, Tag | None] = {}
    pieces: list[str] = []
    previous: Tag | None = None
    for node in root.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                previous = None  # a line break also ends the paragraph
            continue
        if type(node) not in (NavigableString, CData):
            continue  # comments, doctypes, processing instructions...
        block = _enclosing_block(node.parent, blocks)
        if block is not previous and pieces:
            pieces.append("\n\n")
        previous = block
        pieces.append(str(node))
    text = normalize_newlines("".join(pieces))
    return join_paragraphs([" ".join(lines) for lines in line_paragraphs(text)])


def _enclosing_block(tag: Tag | None, memo: dict[int, Tag | None]) -> Tag | None:
    """The nearest block-level element at or above ``tag`` (memoised: linear overall)."""
    chain: list[Tag] = []
    found: Tag | None = None
    while tag is not None:
        key = id(tag)
        if key in memo:
            found = memo[key]
            break
        chain.append(tag)
        if tag.name in _BLOCK_NAMES:
            found = tag
            break
        tag = tag.parent
    for seen in chain:
        memo[id(seen)] = found
    return found


def _has_real_words(text: str) -> bool:
    return has_words(_UNRESOLVED_ENTITY.sub(" ", text))


def _drop_leading_title(body: str, title: str | None) -> str:
    """trafilatura keeps an in-article ``<h1>``: drop it when it repeats the title."""
    if not title:
        return body
    first, sep, rest = body.partition("\n\n")
    if sep and first.casefold() == title.casefold():
        return rest
    return body
