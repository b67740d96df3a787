"""Page metadata as an HTML page declares it, read with beautifulsoup4.

Title, publication date, author, canonical URL and publisher come from the
declarations a page makes about itself: Open Graph and other ``<meta>`` tags,
JSON-LD (``@graph`` included), ``<link rel=canonical>``, ``<time datetime>``,
``<title>`` and ``<h1>``. Values are the raw strings (a date stays
``2021-06-14T08:30:00+02:00``): nothing is guessed from URLs or body text,
which is why this is not trafilatura's metadata (see ``docs/sources.md``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Tag

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


def page_metadata(soup: BeautifulSoup) -> PageMetadata:
    """Title, date, author, canonical URL and publisher as the page declares them."""
    metas = _meta_tags(soup)
    ld = _article_first(_jsonld_objects(soup))
    source = clean_field(
        _first(_names(obj.get("publisher")) for obj in ld)
        or metas.get("og:site_name")
        or metas.get("application-name")
    )
    return PageMetadata(
        title=_title(soup, metas, ld, source),
        date=clean_field(_date(soup, metas, ld)),
        author=clean_field(_author(soup, metas, ld)),
        url=clean_field(_url(soup, metas, ld)),
        source=source,
    )


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    """``<meta>`` contents by lower-cased property/name/itemprop; the first wins."""
    found: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        content = tag.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = tag.get(attr)
            if isinstance(key, str) and key.strip():
                found.setdefault(key.strip().lower(), content.strip())
    return found


def _jsonld_objects(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """Every JSON object in the page's JSON-LD blocks (``@graph`` flattened), in order."""
    objects: list[dict[str, Any]] = []
    for script in soup.find_all("script"):
        kind = script.get("type")
        if not isinstance(kind, str) or "ld+json" not in kind.lower():
            continue
        raw = script.string or script.get_text()
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
    soup: BeautifulSoup, metas: dict[str, str], ld: list[dict[str, Any]], site: str | None
) -> str | None:
    h1 = soup.find("h1")
    h1_text = clean_field(h1.get_text(" ")) if isinstance(h1, Tag) else None
    title_tag = soup.find("title")
    page_title = clean_field(title_tag.get_text(" ")) if isinstance(title_tag, Tag) else None
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


def _date(soup: BeautifulSoup, metas: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    found = _first(_string(obj.get("datePublished")) for obj in ld)
    found = found or _first(metas.get(key) for key in _DATE_META)
    if found:
        return found
    times = soup.find_all("time")
    preferred = [t for t in times if t.get("itemprop") == "datePublished" or t.has_attr("pubdate")]
    for tag in preferred + [t for t in times if t.find_parent("article")] + times:
        value = tag.get("datetime")
        if isinstance(value, str) and value.strip():
            return value
    return None


def _author(soup: BeautifulSoup, metas: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    found = _first(_names(obj.get("author")) for obj in ld)
    for key in _AUTHOR_META:
        value = metas.get(key)
        if found or not value or _is_url(value):
            continue
        found = re.sub(r"^\s*by\s+", "", value, flags=re.IGNORECASE)
    if not found:
        link = soup.find(["a", "link"], rel="author")
        if isinstance(link, Tag) and link.name == "a":
            found = link.get_text(" ")
    return found


def _url(soup: BeautifulSoup, metas: dict[str, str], ld: list[dict[str, Any]]) -> str | None:
    canonical = soup.find("link", rel="canonical")
    if isinstance(canonical, Tag):
        href = canonical.get("href")
        if isinstance(href, str) and href.strip():
            return href
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
