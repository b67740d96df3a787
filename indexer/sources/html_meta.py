"""Page metadata as an HTML page declares it, read from the lxml tree (or bs4).

Title, publication date, author, canonical URL and publisher come from the
declarations a page makes about itself: Open Graph and other ``<meta>`` tags,
JSON-LD (``@graph`` included), ``<link rel=canonical>``, ``<time datetime>``,
``<title>`` and ``<h1>``. Values are the raw strings (a date stays
``2021-06-14T08:30:00+02:00``): nothing is guessed from URLs or body text,
which is why this is not trafilatura's metadata (see ``docs/sources.md``).

The reader looks at the page's one lxml tree (:func:`tree_metadata`); a
page libxml2 makes no tree of is read with beautifulsoup4
(:func:`page_metadata`). Both first collect the same few declarations
(:class:`Declarations`), so the rules below see one shape and cannot drift
apart; a bs4 document of the page cost ~5 ms, the XPath below a fraction.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Tag
from lxml import etree
from lxml.html import HtmlElement

from indexer.normalize import collapse_ws
from indexer.sources.cleanup import clean_field

_ARTICLE_TYPES = ("article", "blogposting", "report", "newsarticle")
_TITLE_SEPARATORS = (" | ", " :: ", " // ", " • ", " · ", " - ", " – ", " — ")
_SITE_ONLY_SEPARATORS = frozenset((" | ", " :: ", " // ", " • ", " · "))
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publication_date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.date",
    "dcterms.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What a page declares about itself, as raw strings (or ``None``)."""

    title: str | None = None
    date: str | None = None
    author: str | None = None
    url: str | None = None
    source: str | None = None


@dataclass(slots=True)
class Declarations:
    """The elements metadata is read from, as plain values, in document order."""

    #: Attributes of each ``<meta>`` with a ``content``.
    metas: list[Mapping[str, str]] = field(default_factory=list)
    #: The text of each JSON-LD ``<script>``.
    jsonld: list[str] = field(default_factory=list)
    #: The text of the first ``<h1>`` and the first ``<title>`` (strings joined by spaces).
    h1: str | None = None
    title: str | None = None
    #: Attributes of each ``<time>``, and whether it sits inside an ``<article>``.
    times: list[tuple[Mapping[str, str], bool]] = field(default_factory=list)
    #: The first ``<a>``/``<link>`` with ``rel=author``: its tag and text.
    author_link: tuple[str, str] | None = None
    #: The ``href`` of the first ``<link rel=canonical>``.
    canonical: str | None = None


def page_metadata(soup: BeautifulSoup) -> PageMetadata:
    """Title, date, author, canonical URL and publisher, read with beautifulsoup4."""
    return read_declarations(soup_declarations(soup))


def tree_metadata(tree: HtmlElement) -> PageMetadata:
    """The same as :func:`page_metadata`, read from the page's lxml tree."""
    return read_declarations(tree_declarations(tree))


def read_declarations(page: Declarations) -> PageMetadata:
    """Title, date, author, canonical URL and publisher as the page declares them."""
    metas = _meta_tags(page.metas)
    ld = _article_first(_jsonld_objects(page.jsonld))
    source = clean_field(
        _first(_names(obj.get("publisher")) for obj in ld)
        or metas.get("og:site_name")
        or metas.get("application-name")
    )
    return PageMetadata(
        title=_title(page, metas, ld, source),
        date=clean_field(_date(page, metas, ld)),
        author=clean_field(_author(page, metas, ld)),
        url=clean_field(_url(page, metas, ld)),
        source=source,
    )


def _attrs(tag: Tag) -> dict[str, str]:
    """A bs4 tag's attributes as strings (bs4 splits ``rel``/``class`` into lists)."""
    return {k: v if isinstance(v, str) else " ".join(v) for k, v in tag.attrs.items()}


def _rel_has(rel: str | None, token: str) -> bool:
    return rel is not None and (rel == token or token in rel.split())


def soup_declarations(soup: BeautifulSoup) -> Declarations:
    """What :func:`read_declarations` needs, from a bs4 document."""
    page = Declarations()
    page.metas = [_attrs(tag) for tag in soup.find_all("meta") if tag.has_attr("content")]
    for script in soup.find_all("script"):
        kind = script.get("type")
        if isinstance(kind, str) and "ld+json" in kind.lower():
            page.jsonld.append(script.string or script.get_text())
    h1 = soup.find("h1")
    page.h1 = h1.get_text(" ") if isinstance(h1, Tag) else None
    title = soup.find("title")
    page.title = title.get_text(" ") if isinstance(title, Tag) else None
    page.times = [
        (_attrs(tag), tag.find_parent("article") is not None) for tag in soup.find_all("time")
    ]
    link = soup.find(["a", "link"], rel="author")
    if isinstance(link, Tag):
        page.author_link = (link.name, link.get_text(" "))
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag):
        href = canonical.get("href")
        page.canonical = href if isinstance(href, str) else None
    return page


#: The elements :func:`tree_declarations` reads, in document order (XPath unions keep it).
_DECLARATIONS_XPATH = etree.XPath(
    "//meta[@content] | //title | //h1 | //link[@rel] | //a[@rel] | //time"
    " | //script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]"
)
#: Elements whose text bs4's ``get_text`` leaves out (its Script, Stylesheet
#: and TemplateString strings).
_NOT_TEXT = frozenset(("script", "style", "template"))


def element_text(element: HtmlElement) -> str:
    """The element's text strings joined by spaces, as bs4's ``get_text(" ")`` gives them.

    Comments and the text of scripts, styles and templates are left out;
    the tail after such an element is text.
    """
    pieces: list[str] = []
    if element.text and element.tag not in _NOT_TEXT:
        pieces.append(element.text)
    for node in element.iterdescendants():
        if isinstance(node.tag, str) and node.text:
            hidden = node.tag in _NOT_TEXT or any(
                isinstance(up.tag, str) and up.tag in _NOT_TEXT
                for up in node.iterancestors()
                if up is not element
            )
            if not hidden:
                pieces.append(node.text)
        if node.tail:
            pieces.append(node.tail)
    return " ".join(pieces)


def tree_declarations(tree: HtmlElement) -> Declarations:
    """What :func:`read_declarations` needs, from an lxml tree."""
    page = Declarations()
    for element in _DECLARATIONS_XPATH(tree):
        tag = element.tag
        attrs = element.attrib
        if tag == "meta":
            page.metas.append(attrs)
        elif tag == "script":
            page.jsonld.append(element.text or "")
        elif tag == "h1":
            if page.h1 is None:
                page.h1 = element_text(element)
        elif tag == "title":
            if page.title is None:
                page.title = element_text(element)
        elif tag == "time":
            inside = next(element.iterancestors("article"), None) is not None
            page.times.append((attrs, inside))
        elif tag in ("a", "link"):
            rel = attrs.get("rel")
            if page.author_link is None and _rel_has(rel, "author"):
                page.author_link = (tag, element_text(element))
            if page.canonical is None and tag == "link" and _rel_has(rel, "canonical"):
                page.canonical = attrs.get("href")
    return page


def _meta_tags(tags: list[Mapping[str, str]]) -> dict[str, str]:
    """``<meta>`` contents by lower-cased property/name/itemprop; the first wins."""
    found: dict[str, str] = {}
    for attrs in tags:
        content = attrs.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = attrs.get(attr)
            if isinstance(key, str) and key.strip():
                found.setdefault(key.strip().lower(), content.strip())
    return found


def _jsonld_objects(texts: list[str]) -> list[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks (``@graph`` flattened), in order."""
    objects: list[dict[str, Any]] = []
    for raw in texts:
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; the other sources still apply
        objects.extend(_flatten(data))
    return objects


def _flatten(data: Any, limit: int = 500) -> Iterator[dict[str, Any]]:
    stack = [data]
    count = 0
    while stack and count < limit:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            count += 1
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(reversed(graph))


def _article_first(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Article-typed objects first (a page also describes its site, breadcrumbs...)."""

    def is_article(obj: dict[str, Any]) -> bool:
        kinds = obj.get("@type")
        names = kinds if isinstance(kinds, list) else [kinds]
        return any(isinstance(k, str) and k.lower().endswith(_ARTICLE_TYPES) for k in names)

    return sorted(objects, key=lambda obj: not is_article(obj))


def _first(values: Iterable[str | None]) -> str | None:
    for value in values:
        if value and value.strip():
            return value
    return None


def _string(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _names(value: Any) -> str | None:
    """A person or organisation as JSON-LD gives it: text, ``{"name": ...}`` or a list."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:20]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip() and not _is_url(name):
            names.append(name.strip())
    return ", ".join(dict.fromkeys(names)) or None


def _is_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://", "//"))


def _title(
    page: Declarations, metas: dict[str, str], ld: list[dict[str, Any]], site: str | None
) -> str | None:
    h1_text = clean_field(page.h1)
    page_title = clean_field(page.title)
    candidates = (
        metas.get("og:title"),
        _first(_string(obj.get("headline")) for obj in ld),
        page_title,
        h1_text,
    )
    for candidate in candidates:
        cleaned = clean_field(candidate)
        if cleaned:
            return strip_site_name(cleaned, site, h1_text)
    return None


def strip_site_name(title: str, site: str | None, h1: str | None = None) -> str:
    """``"Headline | Site"`` -> ``"Headline"``.

    A part is cut when it is the site's declared name, when the page's
    ``<h1>`` equals what remains, or when a pipe-like separator sets off a
    short tail; dashes alone are not enough (headlines use them).
    """
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        head, _, tail = title.rpartition(sep)
        lead, _, rest = title.partition(sep)
        if (site and _same(tail, site)) or (h1 and _same(head, h1)):
            return head.strip()
        if (site and _same(lead, site)) or (h1 and _same(rest, h1)):
            return rest.strip()
        if sep in _SITE_ONLY_SEPARATORS and len(tail.split()) <= 5 and len(head.split()) >= 2:
            return head.strip()
    return title


def _same(a: str, b: str) -> bool:
    return collapse_ws(a).casefold() == collapse_ws(b).casefold()


def _date(page: Declarations, metas: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    found = _first(_string(obj.get("datePublished")) for obj in ld)
    found = found or _first(metas.get(key) for key in _DATE_META)
    if found:
        return found
    times = page.times
    preferred = [t for t in times if t[0].get("itemprop") == "datePublished" or "pubdate" in t[0]]
    for attrs, _ in preferred + [t for t in times if t[1]] + times:
        value = attrs.get("datetime")
        if isinstance(value, str) and value.strip():
            return value
    return None


def _author(page: Declarations, metas: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    found = _first(_names(obj.get("author")) for obj in ld)
    for key in _AUTHOR_META:
        value = metas.get(key)
        if found or not value or _is_url(value):
            continue
        found = re.sub(r"^\s*by\s+", "", value, flags=re.IGNORECASE)
    if not found and page.author_link is not None and page.author_link[0] == "a":
        found = page.author_link[1]
    return found


def _url(page: Declarations, metas: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    if page.canonical and page.canonical.strip():
        return page.canonical
    if metas.get("og:url"):
        return metas["og:url"]
    for obj in ld:
        entity = obj.get("mainEntityOfPage")
        value = _string(obj.get("url")) or _string(
            entity.get("@id") if isinstance(entity, dict) else entity
        )
        if value and value.strip():
            return value
    return None
