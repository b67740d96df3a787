"""JSON Lines: one article object per line.

Exports from scrapers and news APIs name the same things differently, so each
field has a list of accepted keys, matched case-insensitively, the first key
in the list that holds a usable value winning:

=========  ==========================================================================
title      title, headline
body       body, text, content, article, description
date       date, published, published_at, publishedAt, datePublished, pubDate, time
url        url, link, canonical_url
source     source, publisher, site, site_name
author     author, authors, byline (a string, a list of strings or of ``{"name": ...}``)
native_id  id, _id, guid, uuid (stringified)
tags       people/persons, organizations/orgs, places/locations, topics/tags/categories
=========  ==========================================================================

A body holding HTML (some exports keep the page's markup) is reduced to its
visible text. ``position`` is the 1-based line number. A broken line, a
non-object line or an object without title and body becomes a
:class:`SkippedDocument`; a file where no line parses is a :class:`SourceError`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from indexer.errors import SourceError
from indexer.model import RawDocument, SkippedDocument
from indexer.sources.cleanup import cap_body, clean_field, text_to_body
from indexer.sources.decode import decode_bytes
from indexer.sources.html import MAX_SOUP_CHARS, make_soup, visible_text

_TITLE = ("title", "headline")
_BODY = ("body", "text", "content", "article", "description")
_DATE = (
    "date",
    "published",
    "published_at",
    "publishedat",
    "datepublished",
    "pubdate",
    "time",
)
_URL = ("url", "link", "canonical_url")
_SOURCE = ("source", "publisher", "site", "site_name")
_AUTHOR = ("author", "authors", "byline")
_ID = ("id", "_id", "guid", "uuid")
_TAGS = {
    "people": ("people", "persons"),
    "orgs": ("organizations", "orgs"),
    "places": ("places", "locations"),
    "topics": ("topics", "tags", "categories"),
}
_HTML_BODY = re.compile(r"<(?:p|div|br|span|a|h[1-6]|li|article|section)\b[^<>]{0,500}>", re.I)
_MAX_LIST = 200


def read_jsonl(path: str, data: bytes) -> list[RawDocument | SkippedDocument]:
    """Decode a JSON Lines file and parse it (see :func:`parse_jsonl`)."""
    return parse_jsonl(path, decode_bytes(data).text)


def parse_jsonl(path: str, text: str) -> list[RawDocument | SkippedDocument]:
    """A document (or a skip with its reason) per non-blank line, in order.

    Raises :class:`SourceError` when no line holds valid JSON.
    """
    items: list[RawDocument | SkippedDocument] = []
    parsed = 0
    # split("\n"), not splitlines(): JSON strings may hold U+2028 and friends.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        origin = f"{path}#{number}"
        try:
            value = json.loads(line)
        except RecursionError:
            items.append(SkippedDocument(origin, "invalid json: nested too deeply"))
            continue
        except ValueError as exc:
            message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            items.append(SkippedDocument(origin, f"invalid json: {message.lower()}"))
            continue
        parsed += 1
        if not isinstance(value, dict):
            items.append(SkippedDocument(origin, f"not a json object ({_kind(value)})"))
            continue
        items.append(parse_object(path, number, value))
    if not parsed:
        raise SourceError("not valid JSON Lines: no line parsed")
    return items


def parse_object(path: str, number: int, obj: Mapping[str, Any]) -> RawDocument | SkippedDocument:
    """One JSON object (from line ``number``) as a document."""
    keys = _lower_keys(obj)
    title = clean_field(_text(_pick(keys, _TITLE)))
    body = _body(_pick(keys, _BODY))
    if not body and not title:
        return SkippedDocument(f"{path}#{number}", "no text (no title or body field)")
    tags = {kind: _strings(_pick(keys, names)) for kind, names in _TAGS.items()}
    return RawDocument(
        path=path,
        position=number,
        format="jsonl",
        body=body,
        title=title,
        date=clean_field(_text(_pick(keys, _DATE))),
        source=clean_field(_name(_pick(keys, _SOURCE))),
        url=clean_field(_text(_pick(keys, _URL))),
        author=clean_field(", ".join(_strings(_pick(keys, _AUTHOR))) or None),
        native_id=clean_field(_text(_pick(keys, _ID))),
        tags=MappingProxyType({kind: codes for kind, codes in tags.items() if codes}),
    )


def _kind(value: Any) -> str:
    return {list: "array", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _lower_keys(obj: Mapping[str, Any]) -> dict[str, Any]:
    """Keys lower-cased; of keys differing only in case, the first one wins."""
    keys: dict[str, Any] = {}
    for key, value in obj.items():
        keys.setdefault(key.lower(), value)
    return keys


def _pick(keys: dict[str, Any], names: tuple[str, ...]) -> Any:
    """The value of the first of ``names`` present with something in it."""
    for name in names:
        value = keys.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _text(value: Any) -> str | None:
    """A scalar as text (numbers stringified: ids and epoch dates)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = _pick(_lower_keys(value), ("name", "title"))
    return _text(value)


def _strings(value: Any) -> tuple[str, ...]:
    """A string, or a list of strings / ``{"name": ...}`` objects, as a tuple of strings."""
    items = value if isinstance(value, list) else [value]
    found: list[str] = []
    for item in items[:_MAX_LIST]:
        text = clean_field(_name(item))
        if text:
            found.append(text)
    return tuple(dict.fromkeys(found))


def _body(value: Any) -> str:
    """The article text: a string (or list of paragraphs), HTML reduced to text."""
    if isinstance(value, list):
        value = "\n\n".join(v for v in value[:10_000] if isinstance(v, str))
    if not isinstance(value, str) or not value.strip():
        return ""
    if _HTML_BODY.search(value, 0, 100_000):
        return cap_body(visible_text(make_soup(value[:MAX_SOUP_CHARS])))
    return text_to_body(value)
