"""An Atom feed (RFC 4287) for every search: the alert, with no account and no stored state.

``/feeds/search.atom`` takes the search page's parameters and lists the
newest matching stories; a feed reader subscribed to it is told of every
new one. Entry ids are ``tag:`` URIs (RFC 4151) built from the article id,
which survives re-indexing, so a reader never shows a story twice. The
feed's own id is built from the search's parameters in their canonical
order, so it names the search, not the server it was fetched from.

The document is built with ElementTree, which escapes every text and
attribute; characters XML 1.0 cannot carry at all (control characters,
lone surrogates) are dropped first, so a hostile title can neither break
the markup nor make the feed unparseable.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for

from indexer.search.request import request_to_params
from indexer.search.types import Hit, SearchPage, SearchRequest
from webapp import params
from webapp.backend import get_service
from webapp.citable import newsearch_version, plain_snippet

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_MIMETYPE = "application/atom+xml"
#: Entries per feed unless ``per_page`` says otherwise.
FEED_ENTRIES = 20
#: The date part of every ``tag:`` URI (RFC 4151 wants the day the name was held).
TAG_DATE = "2026"
#: ``updated`` of a feed with no dated entry (RFC 4287 requires one).
EPOCH = "1970-01-01T00:00:00Z"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

bp = Blueprint("feeds", __name__)


def xml_text(text: str | None) -> str:
    """``text`` without the characters XML 1.0 forbids (escaping is ElementTree's job)."""
    return _NOT_XML.sub("", text or "")


def rfc3339(value: str | None) -> str | None:
    """A stored ISO date as an RFC 3339 timestamp (UTC when the zone is unknown)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return None
        moment = datetime(day.year, day.month, day.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def tag_uri(authority: str, specific: str) -> str:
    """``tag:newsearch,2026:article:reuters-12`` (RFC 4151)."""
    return f"tag:{authority},{TAG_DATE}:{specific}"


def feed_request() -> SearchRequest:
    """The URL's search, newest first, first page: a feed always shows the latest stories."""
    search = params.search_request()
    per_page = search.per_page if request.args.get("per_page", "").strip() else FEED_ENTRIES
    return replace(search, sort="newest", page=1, per_page=per_page)


def feed_title(search: SearchRequest) -> str:
    """``newsearch: oil (place=usa)``: the search as a reader's subscription list shows it."""
    filters = [f"{name}={value}" for name, values in search.filters for value in values]
    if search.date_from:
        filters.append(f"from {search.date_from.isoformat()}")
    if search.date_to:
        filters.append(f"to {search.date_to.isoformat()}")
    title = f"newsearch: {search.q}" if search.q else "newsearch: newest articles"
    return f"{title} ({', '.join(filters)})" if filters else title


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _entry(feed: ET.Element, hit: Hit, authority: str, fallback: str) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "id", tag_uri(authority, "article:" + hit.id))
    _sub(entry, "title", hit.title or "(untitled)", type="text")
    published = rfc3339(hit.date)
    _sub(entry, "updated", published or fallback)
    if published:
        _sub(entry, "published", published)
    href = url_for("pages.article", article_id=hit.id, _external=True)
    _sub(entry, "link", rel="alternate", type="text/html", href=href)
    for topic in hit.topics:
        _sub(entry, "category", term=topic)
    summary = " ".join(plain_snippet(hit.snippet).split())
    if summary:
        _sub(entry, "summary", summary, type="text")


def atom_document(page: SearchPage, authority: str) -> bytes:
    """The feed of ``page``: RFC 4287's required elements, entries newest first."""
    search = page.request
    canonical = urlencode(
        request_to_params(search, sort="", page="", per_page="", facet_size="", facet_offset="")
    )
    dates = [stamp for hit in page.hits if (stamp := rfc3339(hit.date))]
    updated = max(dates, key=_instant) if dates else EPOCH
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(feed, "id", tag_uri(authority, "search?" + canonical))
    _sub(feed, "title", feed_title(search), type="text")
    _sub(feed, "updated", updated)
    author = _sub(feed, "author")
    _sub(author, "name", "newsearch")
    query = "?" + canonical if canonical else ""
    _sub(feed, "link", rel="self", type=ATOM_MIMETYPE, href=_external("feeds.search") + query)
    _sub(feed, "link", rel="alternate", type="text/html", href=_external("pages.search") + query)
    _sub(feed, "generator", "newsearch", version=newsearch_version())
    for hit in page.hits:
        _entry(feed, hit, authority, updated)
    body = ET.tostring(feed, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def _instant(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _external(endpoint: str) -> str:
    return url_for(endpoint, _external=True)


@bp.get("/feeds/search.atom")
def search() -> Response:
    """``/feeds/search.atom?q=...``: the newest stories of a search as an Atom feed."""
    page = get_service().search(feed_request())
    authority = str(current_app.config.get("FEED_TAG_AUTHORITY") or "newsearch")
    response = Response(
        atom_document(page, authority), content_type=f"{ATOM_MIMETYPE}; charset=utf-8"
    )
    response.headers["Cache-Control"] = "max-age=300"
    return response
